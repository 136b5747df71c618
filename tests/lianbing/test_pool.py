"""Pooled PostgreSQL connections are pinged only when they may have died (lianbing/pool.py):
one the server ended while it rested is replaced before use, one used a moment ago is not
pinged, one that rested long is."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text

from lianbing import TestingConfig
from lianbing.extensions import db


@pytest.fixture
def pg_app(app, other_app):
    """A second application on the tests' PostgreSQL database, with its own pool."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SQLite connections are never pinged")

    def make(idle_seconds: float):
        config = TestingConfig()
        config.DB_PING_IDLE_SECONDS = idle_seconds
        return other_app(config)

    return make


def _backend(app) -> int:
    """The server process of the connection a request would use (checked in again after)."""
    with app.app_context():
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))
        db.session.remove()
        return pid


def _terminate(url: str, pid: int) -> None:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        for _ in range(200):
            if not conn.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
            ):
                break
            time.sleep(0.01)
    admin.dispose()


def _count_pings(app, monkeypatch) -> list:
    with app.app_context():
        dialect = db.engine.dialect
    pings, ping = [], dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda conn: pings.append(1) or ping(conn))
    return pings


def test_a_connection_the_server_ended_while_it_rested_is_replaced(pg_app, monkeypatch):
    app = pg_app(idle_seconds=3600)
    pid = _backend(app)
    _terminate(app.config["SQLALCHEMY_DATABASE_URI"], pid)
    pings = _count_pings(app, monkeypatch)
    assert _backend(app) != pid
    assert pings == [1]
    assert app.test_client().get("/login").status_code == 200


def test_a_connection_used_a_moment_ago_is_not_pinged(pg_app, monkeypatch):
    app = pg_app(idle_seconds=3600)
    pid = _backend(app)
    pings = _count_pings(app, monkeypatch)
    assert [_backend(app) for _ in range(5)] == [pid] * 5
    assert pings == []


def test_a_connection_that_rested_long_is_pinged(pg_app, monkeypatch):
    app = pg_app(idle_seconds=0)
    pid = _backend(app)
    pings = _count_pings(app, monkeypatch)
    assert _backend(app) == pid
    assert pings == [1]
