"""Throttling guesses without letting anyone lock a user out; the client address; timing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import func, select

from lianbing import TestingConfig
from lianbing.accounts import services
from lianbing.accounts.models import ThrottleHit
from lianbing.api import tokens
from lianbing.audit.models import AuditLog
from lianbing.counters import services as counter_services
from lianbing.counters import services as counters
from lianbing.dbtypes import utcnow
from lianbing.extensions import db

PASSWORD = "lianbing-demo"
ATTACKER = {"REMOTE_ADDR": "10.66.6.6"}
OWNER = {"REMOTE_ADDR": "10.1.2.3"}


def _login(client, username, password, environ):
    g.pop("_login_user", None)
    return client.post(
        "/login", data={"username": username, "password": password}, environ_base=environ
    )


def test_spraying_eight_accounts_is_refused_and_the_owners_still_get_in(app, make_user):
    """40 rapid wrong logins from one client across 8 usernames; then the real users log in."""
    users = [make_user("officer") for _ in range(8)]
    attacker = app.test_client()
    statuses = [
        _login(attacker, u.username, "wrong-guess-1", ATTACKER).status_code
        for _ in range(5)
        for u in users
    ]
    assert statuses.count(429) >= 20  # refused after 20 failures from the address
    assert "用户名或密码错误" not in _login(
        attacker, users[0].username, PASSWORD, ATTACKER
    ).get_data(as_text=True)
    for user in users:
        owner = app.test_client()
        assert _login(owner, user.username, PASSWORD, OWNER).status_code == 302


def test_a_throttled_refusal_is_a_429_in_chinese(app, make_user):
    user = make_user("officer")
    client = app.test_client()
    for _ in range(5):
        _login(client, user.username, "wrong-guess-1", ATTACKER)
    r = _login(client, user.username, PASSWORD, ATTACKER)
    assert r.status_code == 429 and "登录失败次数过多" in r.get_data(as_text=True)


def test_failures_throttled_and_successes_are_audited(app, make_user):
    user = make_user("officer")
    client = app.test_client()
    for _ in range(6):
        _login(client, user.username, "wrong-guess-1", ATTACKER)
    _login(client, user.username, PASSWORD, OWNER)
    actions = list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))
    assert actions.count("auth.login_failed") == 5
    assert actions.count("auth.login_throttled") == 1
    assert actions[-1] == "auth.login"


def test_unknown_usernames_verify_a_hash_too(app, client, monkeypatch):
    """Unknown and known usernames do the same slow work (no timing assert: the call is seen)."""
    seen = []
    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda h, p: seen.append(h) or real(h, p))
    _login(client, "nobody_at_all", "whatever-123", ATTACKER)
    assert len(seen) == 1 and seen[0].startswith("pbkdf2:sha256")


def test_forwarded_for_is_ignored_without_trusted_proxies(app, make_user):
    user = make_user("officer")
    client = app.test_client()
    for n in range(6):
        forged = {**ATTACKER, "HTTP_X_FORWARDED_FOR": f"192.0.2.{n}"}
        r = _login(client, user.username, "wrong-guess-1", forged)
    assert r.status_code == 429  # a new forged address each time did not help


def test_forwarded_for_is_honoured_behind_a_trusted_proxy(other_app, make_user, monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "1")
    monkeypatch.setattr(TestingConfig, "TRUSTED_PROXIES", 1)
    proxied = other_app(TestingConfig())
    user = make_user("officer")
    client = proxied.test_client()
    with proxied.app_context():
        for _ in range(5):
            _login(
                client,
                user.username,
                "wrong-guess-1",
                {**OWNER, "HTTP_X_FORWARDED_FOR": "203.0.113.9"},
            )
        r = _login(
            client, user.username, PASSWORD, {**OWNER, "HTTP_X_FORWARDED_FOR": "203.0.113.10"}
        )
        assert r.status_code == 302
    keys = set(db.session.scalars(select(ThrottleHit.key)))
    assert "login:addr:203.0.113.9" in keys


def test_wrong_old_passwords_are_throttled(client, auth, make_user):
    user = make_user("officer")
    auth.login(user.username)
    data = {"new_password": "Brand-new-pw-5", "confirm": "Brand-new-pw-5"}
    for _ in range(5):
        r = client.post("/account/password", data={**data, "old_password": "not-it-123"})
        assert r.status_code == 400
    r = client.post("/account/password", data={**data, "old_password": PASSWORD})
    assert r.status_code == 429
    assert user.check_password(PASSWORD)


def test_wrong_api_tokens_are_throttled_and_every_use_is_audited(client, demo_people):
    from lianbing.accounts.models import User

    admin = db.session.scalar(select(User).where(User.username == "city_admin"))
    _, raw = tokens.issue("省平台", None, admin)
    db.session.commit()
    good = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/campaigns", headers=good).status_code == 200
    assert client.get("/api/v1/campaigns", headers=good).status_code == 200
    uses = db.session.scalar(
        select(func.count()).select_from(AuditLog).where(AuditLog.action == "api_token.use")
    )
    assert uses == 2
    bad = {"Authorization": "Bearer lb_guess"}
    statuses = [client.get("/api/v1/campaigns", headers=bad).status_code for _ in range(21)]
    assert statuses[:20] == [401] * 20 and statuses[20] == 429
    assert "api_token.issue" in set(db.session.scalars(select(AuditLog.action)))


@pytest.mark.parametrize("path", ["/quizzes/practice/answer"])
def test_answer_floods_are_refused(client, auth, make_user, path, monkeypatch):
    """A scripted flood of answers meets a generous per-user ceiling (120 a minute)."""
    user = make_user("officer")
    auth.login(user.username)
    _hold_the_clock(monkeypatch)
    for _ in range(120):  # 120 calls already counted in this minute's window
        counters.window_hits(f"quiz-practice:user:{user.id}", 60)
    db.session.commit()
    r = client.post(path, json={"question_id": 1, "response": None, "source": "all"})
    assert r.status_code == 429


def _hold_the_clock(monkeypatch) -> None:
    """Every count falls in one fixed window, whatever the wall clock does meanwhile."""
    now = utcnow()
    monkeypatch.setattr(counter_services, "utcnow", lambda: now)


def test_the_fixed_window_counts_and_a_new_window_starts_afresh(app, monkeypatch):
    now = utcnow().replace(second=10)
    monkeypatch.setattr(counter_services, "utcnow", lambda: now)
    assert [counters.window_hits("k", 60) for _ in range(3)] == [1, 2, 3]
    assert counters.window_hits("other", 60) == 1
    later = now + timedelta(minutes=1)
    monkeypatch.setattr(counter_services, "utcnow", lambda: later)
    assert counters.window_hits("k", 60) == 1
