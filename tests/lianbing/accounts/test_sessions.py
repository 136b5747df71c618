"""Revocable sessions, timeouts, the forced password change and the password rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import func, select

from lianbing.accounts import services
from lianbing.accounts import sessions as sessions_module
from lianbing.accounts.models import User, UserSession
from lianbing.dbtypes import utcnow
from lianbing.extensions import db

PASSWORD = "lianbing-demo"


def _copy_cookie(source, target) -> None:
    """Put the session cookie of one client into another, as a thief would."""
    cookie = source.get_cookie("session")
    target.set_cookie("session", cookie.value)


def _logged_in(client) -> bool:
    """One fresh request: the user is looked up again, as in a new worker request.

    Tests run inside one application context, which the test client reuses, so Flask-Login's
    per-context cache of the user is dropped first.
    """
    g.pop("_login_user", None)
    return client.get("/home").status_code == 200


@pytest.fixture
def thief(app):
    return app.test_client()


def test_a_copied_cookie_dies_with_logout(client, auth, make_user, thief):
    user = make_user("officer")
    auth.login(user.username)
    _copy_cookie(client, thief)
    assert _logged_in(thief)
    auth.logout()
    assert not _logged_in(thief)
    assert not _logged_in(client)


def test_a_password_change_ends_every_other_session(client, auth, make_user, thief, app):
    user = make_user("officer")
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"username": user.username, "password": PASSWORD})
    auth.login(user.username)
    _copy_cookie(client, thief)
    assert _logged_in(thief) and _logged_in(elsewhere)
    r = client.post(
        "/account/password",
        data={
            "old_password": PASSWORD,
            "new_password": "Another-pass-7",
            "confirm": "Another-pass-7",
        },
    )
    assert r.status_code == 302
    assert _logged_in(client)  # the browser that changed it stays logged in, with a new id
    assert not _logged_in(thief)  # a copy of its old cookie is dead
    assert not _logged_in(elsewhere)


@pytest.mark.parametrize("change", ["reset", "role", "bureau", "deactivate"])
def test_admin_changes_end_all_sessions(client, auth, make_user, change):
    user = make_user("officer", "441402")
    admin = make_user("city_admin", "441400")
    auth.login(user.username)
    assert _logged_in(client)
    if change == "reset":
        services.reset_password(user, "Reset-by-admin-1", actor_id=admin.id)
    elif change == "deactivate":
        services.set_active(user, False, actor_id=admin.id)
    else:
        data = services.UserData(
            username=user.username,
            display_name=user.display_name,
            role="bureau_admin" if change == "role" else "officer",
            bureau_id=user.bureau_id if change == "role" else admin.bureau_id,
        )
        services.update_user(user, data, actor_id=admin.id)
    db.session.commit()
    assert not _logged_in(client)


def test_an_edit_that_keeps_role_and_bureau_keeps_the_session(client, auth, make_user):
    user = make_user("officer", "441402")
    admin = make_user("city_admin", "441400")
    auth.login(user.username)
    data = services.UserData(
        user.username, "新名字", "officer", user.bureau_id, phone="13800000000"
    )
    services.update_user(user, data, actor_id=admin.id)
    db.session.commit()
    assert _logged_in(client)


def _shift(monkeypatch, delta: timedelta) -> None:
    later = utcnow() + delta
    monkeypatch.setattr(sessions_module, "utcnow", lambda: later)


@pytest.mark.parametrize("minutes, alive", [(119, True), (121, False)])
def test_idle_timeout(client, auth, make_user, monkeypatch, minutes, alive):
    user = make_user("officer")
    auth.login(user.username)
    _shift(monkeypatch, timedelta(minutes=minutes))
    assert _logged_in(client) is alive


def test_absolute_lifetime_even_when_active(client, auth, make_user, monkeypatch):
    user = make_user("officer")
    auth.login(user.username)
    for hours in range(1, 12):  # a request every hour keeps it from going idle
        _shift(monkeypatch, timedelta(hours=hours))
        assert _logged_in(client), hours
    _shift(monkeypatch, timedelta(hours=12, minutes=1))
    assert not _logged_in(client)


def test_timeouts_come_from_the_configuration(client, auth, make_user, monkeypatch, app):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 10)
    user = make_user("officer")
    auth.login(user.username)
    _shift(monkeypatch, timedelta(minutes=11))
    assert not _logged_in(client)


def test_last_seen_is_written_at_most_once_a_minute(client, auth, make_user, monkeypatch):
    user = make_user("officer")
    auth.login(user.username)
    first = db.session.scalar(select(UserSession.last_seen))
    assert _logged_in(client)
    db.session.expire_all()
    assert db.session.scalar(select(UserSession.last_seen)) == first
    _shift(monkeypatch, timedelta(minutes=2))
    assert _logged_in(client)
    db.session.expire_all()
    assert db.session.scalar(select(UserSession.last_seen)) > first


def test_each_login_is_its_own_session_and_logout_ends_only_it(client, auth, make_user, app):
    user = make_user("officer")
    other = app.test_client()
    other.post("/login", data={"username": user.username, "password": PASSWORD})
    auth.login(user.username)
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 2
    auth.logout()
    assert _logged_in(other)


# --- the forced password change ------------------------------------------------------------


def test_an_account_made_by_an_admin_must_change_its_password(client, auth, make_user):
    make_user("city_admin", "441400", username="boss")
    auth.login("boss")
    client.post(
        "/roster/new",
        data={
            "username": "newbie",
            "display_name": "新同事",
            "role": "officer",
            "bureau_id": db.session.scalar(select(User.bureau_id).where(User.username == "boss")),
            "password": "Initial-pass-9",
        },
    )
    auth.logout()
    assert auth.login("newbie", "Initial-pass-9").status_code == 302
    for path in ("/home", "/campaigns/", "/roster"):
        r = client.get(path)
        assert r.status_code == 302 and r.headers["Location"].endswith("/account/password")
    assert client.get("/account/password").status_code == 200
    r = client.post(
        "/account/password",
        data={
            "old_password": "Initial-pass-9",
            "new_password": "My-own-pass-3",
            "confirm": "My-own-pass-3",
        },
    )
    assert r.status_code == 302 and _logged_in(client)


def test_an_admin_reset_forces_a_change(client, auth, make_user):
    user = make_user("officer", "441402")
    admin = make_user("bureau_admin", "441402")
    services.reset_password(user, "Reset-pass-42", actor_id=admin.id)
    db.session.commit()
    auth.login(user.username, "Reset-pass-42")
    assert client.get("/home").headers["Location"].endswith("/account/password")


def test_demo_accounts_log_in_without_a_forced_change(client, auth, demo_people):
    for username in ("city_admin", "admin_441402", "trainer", "officer_441402_1"):
        auth.login(username)
        assert _logged_in(client), username
        auth.logout()


# --- password rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "new, message",
    [
        ("short", "密码至少 8 位"),
        ("woaini1314", "过于常见"),
        ("88888888", "过于常见"),
        ("QQ123456", "过于常见"),
        ("a123456789", "过于常见"),
    ],
)
def test_weak_new_passwords_are_refused(client, auth, make_user, new, message):
    user = make_user("officer")
    auth.login(user.username)
    r = client.post(
        "/account/password", data={"old_password": PASSWORD, "new_password": new, "confirm": new}
    )
    assert r.status_code == 400 and message in r.get_data(as_text=True)


def test_the_username_is_not_a_password(make_user):
    user = make_user("officer", username="zhang_wei_01")
    assert services.password_problems("Zhang_Wei_01", user.username) == ["密码不能与用户名相同"]


def test_the_shipped_list_holds_a_few_hundred_passwords():
    common = services.common_passwords()
    assert len(common) >= 300
    assert {"123456", "a123456", "woaini1314", "qq123456", "88888888"} <= common
