"""Each worker keeps the users of its live sessions in memory, keyed by the user's version:
no user query on a kept session, and every revocation seen by every worker at its next request,
with the version in the database or (REDIS_URL) in Redis."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import event

from lianbing import TestingConfig, create_app
from lianbing.accounts import services, sessions
from lianbing.accounts.models import User
from lianbing.extensions import db

REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


@pytest.fixture(params=["database", "redis"])
def store(request, app):
    """Where versions live: the database, or Redis (skipped where no Redis answers)."""
    if request.param == "database":
        yield {"REDIS_URL": ""}
        return
    if not _redis_up():
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings = {"REDIS_URL": REDIS_URL, "REDIS_PREFIX": f"test-{secrets.token_hex(6)}:"}
    saved = {k: app.config.get(k) for k in settings}
    app.config.update(settings)
    app.extensions.pop("lianbing_redis", None)
    yield settings
    client = app.extensions.pop("lianbing_redis", None)
    if client is not None:
        for key in client.scan_iter(settings["REDIS_PREFIX"] + "*"):
            client.delete(key)
    app.config.update(saved)


@pytest.fixture
def other_worker(app, store):
    """A second application on the same database: another worker (or machine) with its own
    memory."""
    other = create_app(TestingConfig())
    other.config.update(store)
    yield other
    with other.app_context():
        db.engine.dispose()


def _load(app, user_id: int, raw: str):
    """One request's user lookup in ``app`` (a fresh database session, as a request has)."""
    with app.test_request_context():
        user = sessions.load(str(user_id), raw)
        found = None if user is None else (user.id, user.role, user.bureau_id)
        db.session.commit()
        db.session.remove()
        return found


def _login(user) -> tuple[int, str]:
    """A new session of the user: (user id, raw session id)."""
    raw = sessions.start(user, "127.0.0.1", "test")
    db.session.commit()
    return user.id, raw


def test_a_kept_session_is_served_without_reading_the_user(app, make_user, store):
    user = make_user("officer")
    bureau_id = user.bureau_id
    (uid, raw), seen = _login(user), []
    listen = lambda conn, cursor, statement, *rest: seen.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        assert _load(app, uid, raw) == (uid, "officer", bureau_id)
        assert any("user_sessions" in s for s in seen)
        seen.clear()
        assert _load(app, uid, raw) == (uid, "officer", bureau_id)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert not any("users" in s for s in seen), seen


def test_logout_elsewhere_ends_the_session_in_every_worker(app, make_user, other_worker):
    uid, raw = _login(make_user("officer"))
    assert _load(other_worker, uid, raw) is not None  # the other worker keeps it
    assert _load(app, uid, raw) is not None
    sessions.end(raw)
    db.session.commit()
    assert _load(other_worker, uid, raw) is None
    assert _load(app, uid, raw) is None


def test_admin_changes_reach_every_worker_at_once(app, make_user, other_worker):
    admin_id = make_user("city_admin", "441400").id
    uid, raw = _login(make_user("officer"))
    assert _load(other_worker, uid, raw)[1] == "officer"
    db.session.get(User, uid).role = "trainer"  # an ORM change of the user bumps its version
    db.session.commit()
    assert _load(other_worker, uid, raw)[1] == "trainer"
    services.set_active(db.session.get(User, uid), False, actor_id=admin_id)
    db.session.commit()
    assert _load(other_worker, uid, raw) is None


def test_a_rolled_back_change_leaves_the_kept_user_right(app, make_user, other_worker):
    uid, raw = _login(make_user("officer"))
    assert _load(other_worker, uid, raw)[1] == "officer"
    db.session.get(User, uid).role = "trainer"
    db.session.flush()
    db.session.rollback()
    assert _load(other_worker, uid, raw)[1] == "officer"
