"""Each worker keeps what it found in the session cookies and CSRF tokens it has verified
(lianbing/verified.py): a string seen again is served without a signature check, and still a
tampered, expired, foreign or re-keyed one is refused exactly as before."""

from __future__ import annotations

import types

import pytest
from flask import jsonify, session
from flask_wtf.csrf import generate_csrf
from itsdangerous import URLSafeTimedSerializer

from lianbing import TestingConfig, verified
from lianbing.accounts import sessions
from lianbing.auth import public
from lianbing.extensions import db
from tests.lianbing.conftest import login_as


class CsrfConfig(TestingConfig):
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = 3600


@public
def _token():
    return jsonify(token=generate_csrf())


@public
def _post():
    return jsonify(ok=True)


@public
def _flash_list():
    session.setdefault("notes", []).append("x")
    return jsonify(notes=session["notes"])


@public
def _read():
    return jsonify(user=session.get("who"), notes=session.get("notes"))


@pytest.fixture
def probe_app(other_app):
    app = other_app(CsrfConfig())
    app.add_url_rule("/probe/token", "probe_token", _token)
    app.add_url_rule("/probe/post", "probe_post", _post, methods=["POST"])
    app.add_url_rule("/probe/read", "probe_read", _read)
    app.add_url_rule("/probe/note", "probe_note", _flash_list, methods=["POST"])
    return app


def _later(monkeypatch, seconds: int) -> None:
    """The kept entries' clock moved ``seconds`` on."""
    now = verified.time.time() + seconds
    monkeypatch.setattr(verified, "time", types.SimpleNamespace(time=lambda: now))


def _signed(app, data: dict) -> str:
    return app.session_interface.get_signing_serializer(app).dumps(data)


def _flipped(signed: str) -> str:
    """The signed string with one character of its signature changed (not the last one, whose
    low bits are base64 padding)."""
    return signed[:-5] + ("A" if signed[-5] != "A" else "B") + signed[-4:]


def _read_with(app, cookie: str) -> dict:
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client.get("/probe/read").get_json()


# --- the session cookie ---------------------------------------------------------------------------


def test_a_cookie_seen_again_is_not_verified_again(probe_app, monkeypatch):
    cookie = _signed(probe_app, {"who": "a"})
    assert _read_with(probe_app, cookie)["user"] == "a"
    monkeypatch.setattr(URLSafeTimedSerializer, "loads", lambda *a, **k: 1 / 0)
    assert _read_with(probe_app, cookie)["user"] == "a"


def test_a_tampered_cookie_is_refused_after_the_valid_one_was_kept(probe_app):
    cookie = _signed(probe_app, {"who": "a"})
    assert _read_with(probe_app, cookie)["user"] == "a"
    forged = _signed(probe_app, {"who": "b"}).split(".")[0] + "." + cookie.split(".", 1)[1]
    assert _read_with(probe_app, forged)["user"] is None
    assert _read_with(probe_app, _flipped(cookie))["user"] is None


def test_a_kept_cookie_expires_with_the_session_lifetime(probe_app, monkeypatch):
    cookie = _signed(probe_app, {"who": "a"})
    assert _read_with(probe_app, cookie)["user"] == "a"
    _later(monkeypatch, int(probe_app.permanent_session_lifetime.total_seconds()) + 1)
    assert _read_with(probe_app, cookie)["user"] is None


def test_a_kept_cookie_is_refused_once_the_secret_key_changes(probe_app):
    cookie = _signed(probe_app, {"who": "a"})
    assert _read_with(probe_app, cookie)["user"] == "a"
    probe_app.secret_key = probe_app.config["SECRET_KEY"] = "another-key"
    assert _read_with(probe_app, cookie)["user"] is None


def test_a_request_changing_its_session_leaves_the_kept_values_alone(probe_app):
    cookie = _signed(probe_app, {"who": "a", "notes": ["first"]})
    assert _read_with(probe_app, cookie)["notes"] == ["first"]
    client = probe_app.test_client()
    client.set_cookie("session", cookie)
    token = client.get("/probe/token").get_json()["token"]
    kept_cookie = client.get_cookie("session").value  # the token was added to the session
    assert _read_with(probe_app, kept_cookie)["notes"] == ["first"]
    r = client.post("/probe/note", headers={"X-CSRFToken": token})
    assert r.get_json()["notes"] == ["first", "x"]
    assert _read_with(probe_app, kept_cookie)["notes"] == ["first"]


# --- the CSRF token -------------------------------------------------------------------------------


def _browser(app):
    """A client with a CSRF token, after one POST (Flask-Login marks a session without its
    identifier not fresh, once: the cookie is stable from then on)."""
    client = app.test_client()
    token = client.get("/probe/token").get_json()["token"]
    assert _send(client, token) == 200
    return client, token


def _send(client, token: str) -> int:
    return client.post("/probe/post", headers={"X-CSRFToken": token}).status_code


def test_a_token_seen_again_is_not_verified_again(probe_app, monkeypatch):
    client, token = _browser(probe_app)
    assert _send(client, token) == 200
    monkeypatch.setattr(URLSafeTimedSerializer, "loads", lambda *a, **k: 1 / 0)
    assert _send(client, token) == 200


def test_a_kept_token_is_refused_with_another_session(probe_app):
    client, token = _browser(probe_app)
    assert _send(client, token) == 200
    other, other_token = _browser(probe_app)
    assert _send(other, other_token) == 200
    assert _send(other, token) == 400
    assert _send(probe_app.test_client(), token) == 400  # no session token at all


def test_a_tampered_token_is_refused_after_the_valid_one_was_kept(probe_app):
    client, token = _browser(probe_app)
    assert _send(client, token) == 200
    assert _send(client, _flipped(token)) == 400
    assert _send(client, "") == 400


def test_a_kept_token_expires_with_the_time_limit(probe_app, monkeypatch):
    client, token = _browser(probe_app)
    assert _send(client, token) == 200
    _later(monkeypatch, probe_app.config["WTF_CSRF_TIME_LIMIT"] + 1)
    assert _send(client, token) == 400


# --- revocation is not cached ---------------------------------------------------------------------


def test_a_session_ended_on_one_worker_is_refused_by_one_that_kept_its_cookie(other_app, make_user):
    """The kept cookie says who the browser claims to be; the server-side session is still
    checked at every request (lianbing/accounts/sessions.py)."""
    ending, serving = other_app(), other_app()
    user = make_user("officer")
    db.session.commit()
    client = serving.test_client()
    with serving.app_context():
        login_as(client, user.username)
    with client.session_transaction() as cookie_session:
        raw = cookie_session[sessions.COOKIE_KEY]
    assert [client.get("/home").status_code for _ in range(3)] == [200, 200, 200]
    assert client.get_cookie("session").value in serving.session_interface.kept.found
    with ending.test_request_context():
        sessions.end(raw)
        db.session.commit()
    assert client.get("/home").status_code == 302
