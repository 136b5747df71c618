"""Pooled PostgreSQL connections checked before use only when they may have died.

SQLAlchemy's ``pool_pre_ping`` pings a pooled connection before every transaction: a round trip
per request. Here a connection is pinged at checkout only when it has rested in the pool longer
than ``DB_PING_IDLE_SECONDS``, or when the server has written to it while it rested (a server
ending a connection — a restart, ``pg_terminate_backend`` — tells the client so, and nothing
else is sent to an idle connection we do not LISTEN on: the socket is readable). A connection
that fails its ping is replaced, with every other connection pooled before it (SQLAlchemy's
pessimistic disconnect handling, as its pre-ping does), so a database restart fails no request;
a storm, whose connections rest a millisecond, pays a ``poll`` instead of a round trip.
SQLite has no server to restart: its connections are never pinged.
"""

from __future__ import annotations

import select
import time

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InvalidatePoolError

_RESTED_SINCE = "lianbing_checked_in"


def ping_when_rested(engine: Engine, idle_seconds: float) -> None:
    """Ping the engine's pooled connections at checkout when they rested long or the server
    spoke to them meanwhile."""
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _rest(dbapi_connection, record) -> None:
        record.info[_RESTED_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check(dbapi_connection, record, proxy) -> None:
        since = record.info.pop(_RESTED_SINCE, None)
        if since is None:  # a new connection
            return
        if time.monotonic() - since < idle_seconds and not _server_spoke(dbapi_connection):
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as err:
            raise InvalidatePoolError(f"pooled connection failed its ping: {err}") from err


def _server_spoke(dbapi_connection) -> bool:
    """Whether the server wrote to this idle connection (a notice that it ends it, or EOF)."""
    if dbapi_connection.closed:
        return True
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN)
    return bool(poller.poll(0))
