"""Security headers on every response; no Host header reaches an absolute URL; private files."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import select

from lianbing import TestingConfig
from lianbing.accounts.models import User
from lianbing.campaign.models import Campaign
from lianbing.extensions import db

WALKERS = (None, "officer_441402_1", "city_admin")


def _get_rules(app):
    return sorted(
        (
            r
            for r in app.url_map.iter_rules()
            if "GET" in r.methods and not r.endpoint.endswith("static")
        ),
        key=lambda r: r.rule,
    )


def _known() -> dict:
    officer = db.session.scalar(select(User).where(User.username == "officer_441402_1"))
    campaign = db.session.scalar(select(Campaign))
    return {
        "user_id": officer.id,
        "bureau_id": officer.bureau_id,
        "campaign_id": campaign.id,
        "year": campaign.year,
        "month": campaign.start_date.month,
    }


def _missing_headers(response, secure: bool = False) -> list[str]:
    h = response.headers
    csp = h.get("Content-Security-Policy", "")
    wrong = []
    script_src = next((d for d in csp.split(";") if d.strip().startswith("script-src")), "")
    if "'self'" not in script_src or "unsafe-inline" in script_src:
        wrong.append(f"script-src {script_src!r}")
    if "frame-ancestors 'none'" not in csp:
        wrong.append("frame-ancestors")
    expected = {
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    wrong += [f"{k}={h.get(k)!r}" for k, v in expected.items() if h.get(k) != v]
    if "camera=()" not in h.get("Permissions-Policy", ""):
        wrong.append("Permissions-Policy")
    if secure and "max-age=" not in h.get("Strict-Transport-Security", ""):
        wrong.append("Strict-Transport-Security")
    return wrong


def test_every_get_route_carries_the_security_headers(
    app, client, demo_people, campaign, rule_values, session_login
):
    known = _known()
    wrong = []
    for who in WALKERS:
        if who:
            session_login(client, who)
        for rule in _get_rules(app):
            values, _ = rule_values(rule, known)
            with app.test_request_context():
                url = rule.build(values)[1]
            r = client.get(url)
            missing = _missing_headers(r)
            if missing:
                wrong.append(f"{who or 'anonymous'} GET {url} ({r.status_code}): {missing}")
        client.get("/logout")
        with client.session_transaction() as s:
            s.clear()
    assert not wrong, "\n".join(wrong[:30])


def test_static_files_and_errors_carry_them_too(client):
    assert not _missing_headers(client.get("/static/app.js"))
    assert not _missing_headers(client.get("/no-such-page"))


def test_inline_scripts_carry_this_requests_nonce(client, demo_people, session_login):
    session_login(client, "city_admin")
    r = client.get("/home")
    csp = r.headers["Content-Security-Policy"]
    nonce = csp.split("'nonce-")[1].split("'")[0]
    html = r.get_data(as_text=True)
    assert f'nonce="{nonce}"' in html  # Bootstrap's own script tags
    assert client.get("/home").headers["Content-Security-Policy"] != csp  # a new one each time


def test_hsts_only_when_the_cookie_is_secure(client, other_app):
    assert "Strict-Transport-Security" not in client.get("/login").headers

    class Secure(TestingConfig):
        def init(self):
            super().init()
            self.SESSION_COOKIE_SECURE = True
            return self

    secure = other_app(Secure()).test_client()
    assert not _missing_headers(secure.get("/login"), secure=True)


def test_feed_links_come_from_the_public_base_url_not_the_host_header(client, ops_demo):
    r = client.get("/column/feed.atom", headers={"Host": "evil.example"})
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    assert "evil.example" not in body
    assert "http://127.0.0.1:5000/column/" in body


def test_unknown_hosts_are_refused_when_trusted_hosts_is_set(other_app):
    class Trusted(TestingConfig):
        TRUSTED_HOSTS = ["lianbing.example.gov.cn"]

    client = other_app(Trusted()).test_client()
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400
    ok = client.get("/login", headers={"Host": "lianbing.example.gov.cn"})
    assert ok.status_code == 200


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_instance_folder_database_and_secret_key_are_private(tmp_path, monkeypatch):
    from lianbing import config

    folder = tmp_path / "instance"
    monkeypatch.setattr(config, "INSTANCE_DIR", folder)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{folder / 'lianbing.db'}")
    old = os.umask(0o022)
    try:
        config.Config().init()
    finally:
        os.umask(old)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "secret_key").stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / "lianbing.db").stat().st_mode) == 0o600


def test_a_header_a_view_set_itself_is_kept_and_none_is_doubled(other_app):
    app = other_app()

    def framed():
        return "x", 200, {"X-Frame-Options": "SAMEORIGIN", "content-security-policy": "mine"}

    framed.required_roles = frozenset({"anonymous"})
    app.add_url_rule("/probe/framed", "probe_framed", framed)
    h = app.test_client().get("/probe/framed").headers
    assert h.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert h.getlist("Content-Security-Policy") == ["mine"]
    assert h.getlist("Referrer-Policy") == ["same-origin"]
