"""Versions that key caches, and fixed-window rate counts, shared by every worker and machine.

A version names what a cache covers (``auth:<user id>``, ``column``, ``bulletins:<campaign>``).
Without ``REDIS_URL`` it is a row of ``counters``, bumped inside the transaction that makes the
change, so it advances exactly when that change commits. With ``REDIS_URL`` it lives in Redis
(read without a database round trip) and is bumped right after the commit. Readers read the
version *before* the data, so a reader racing a change may cache new data under the old version
(one needless refresh), never old data under the new one. A Redis key starts at a random value,
so a Redis restart never brings back a version number some cache still holds.

``watch(Model, name_of)`` bumps a version whenever rows of the model are added, changed or
deleted through the ORM, so no service can forget to. ``window_hits(key, window)`` counts one
call in the current fixed window (one upsert, or one Redis round trip) and returns the count.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Callable

from flask import current_app
from sqlalchemy import bindparam, delete, event, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from lianbing.counters.models import Counter
from lianbing.dbtypes import utcnow
from lianbing.extensions import db

_TABLE = Counter.__table__
_UPSERTS = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}
_READ = select(_TABLE.c.value).where(_TABLE.c.name == bindparam("name"))
#: model class → function naming the versions a changed row of it makes stale
_WATCHED: dict[type, list[tuple[Callable[[object], list[str]], bool]]] = {}
_PENDING = "counters_pending"
#: rate windows older than this are swept now and then
KEEP = timedelta(days=1)


def redis_client():
    """The app's Redis client when REDIS_URL is set, else None (one client per app)."""
    app = current_app._get_current_object()
    if not app.config.get("REDIS_URL"):
        return None
    client = app.extensions.get("lianbing_redis")
    if client is None:
        import redis

        client = app.extensions["lianbing_redis"] = redis.Redis.from_url(app.config["REDIS_URL"])
    return client


def _key(name: str) -> str:
    return current_app.config.get("REDIS_PREFIX", "lianbing:") + "v:" + name


def value(name: str) -> int:
    """The version now (read before the data it keys)."""
    client = redis_client()
    if client is None:
        return db.session.connection().execute(_READ, {"name": name}).scalar() or 0
    found = client.get(_key(name))
    if found is None:
        client.set(_key(name), random.getrandbits(48), nx=True)
        found = client.get(_key(name))
    return int(found)


def value_column(param: str = "version_name"):
    """The version named by the bind parameter ``param``, as a scalar subquery (0 when absent),
    to read it in the same statement as the data it keys (database versions only); a statement
    holding it is built once and run with ``{param: name}``."""
    return func.coalesce(
        select(_TABLE.c.value).where(_TABLE.c.name == bindparam(param)).scalar_subquery(), 0
    ).label("version")


def values(names: list[str]) -> tuple[int, ...]:
    """Several versions at once (one query, or one Redis round trip), in the order asked."""
    client = redis_client()
    if client is None:
        found = dict(
            db.session.connection()
            .execute(select(_TABLE.c.name, _TABLE.c.value).where(_TABLE.c.name.in_(names)))
            .all()
        )
        return tuple(found.get(name, 0) for name in names)
    found = client.mget([_key(name) for name in names])
    return tuple(int(v) if v is not None else value(n) for n, v in zip(names, found))


def bump(name: str, session: Session | None = None) -> None:
    """Advance the version with the caller's transaction (in Redis: once it commits)."""
    session = session or db.session()
    client = redis_client()
    if client is None:
        _upsert(session, name, 1)
    else:
        session.info.setdefault(_PENDING, {})[_key(name)] = client


def _upsert_statement(upsert):
    stmt = upsert(_TABLE).values(
        name=bindparam("name"), value=bindparam("step"), updated_at=bindparam("now")
    )
    return stmt.on_conflict_do_update(
        index_elements=[_TABLE.c.name],
        set_={
            "value": _TABLE.c.value + stmt.excluded.value,
            "updated_at": stmt.excluded.updated_at,
        },
    ).returning(_TABLE.c.value)


#: the counter's upsert per dialect, built once (building it costs more than running it)
_UPSERT = {name: _upsert_statement(upsert) for name, upsert in _UPSERTS.items()}


def _upsert(session: Session, name: str, step: int) -> int:
    """Add ``step`` to the counter (created at ``step``) in one statement; the new value."""
    stmt = _UPSERT[session.get_bind().dialect.name]
    params = {"name": name, "step": step, "now": utcnow()}
    return session.connection().execute(stmt, params).scalar_one()


@event.listens_for(Session, "after_commit")
def _bump_in_redis(session: Session) -> None:
    """The change is committed: advance its Redis versions (random start if missing)."""
    pending = session.info.pop(_PENDING, None)
    for key, client in (pending or {}).items():
        pipe = client.pipeline(transaction=False)
        pipe.set(key, random.getrandbits(48), nx=True)
        pipe.incr(key)
        pipe.execute()


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)


def watch(model: type, names: Callable[[object], list[str]], *, new: bool = True) -> None:
    """Bump ``names(row)`` whenever a row of ``model`` is changed or deleted through the ORM,
    and when one is added unless ``new`` is False (nothing can be keyed by a row not yet made)."""
    _WATCHED.setdefault(model, []).append((names, new))


@event.listens_for(Session, "after_flush")
def _bump_watched(session: Session, flush_context) -> None:
    """After the flush (new rows have their ids) and before the commit; the session's
    new/dirty/deleted sets still show what the flush wrote."""
    stale: set[str] = set()
    for obj, added in _changed(session):
        for names, on_new in _WATCHED.get(type(obj), ()):
            if on_new or not added:
                stale.update(names(obj))
    for name in sorted(stale):  # a fixed order: concurrent flushes lock rows alike
        bump(name, session)


def _changed(session: Session):
    """(row, whether it is new) for every watched row the flush writes."""
    for obj in session.new:
        if type(obj) in _WATCHED:
            yield obj, True
    for obj in session.deleted:
        if type(obj) in _WATCHED:
            yield obj, False
    for obj in session.dirty:
        if type(obj) in _WATCHED and session.is_modified(obj):
            yield obj, False


def window_hits(key: str, window: int) -> int:
    """Count one call under ``key`` in the current ``window``-second window; the count so far."""
    now = utcnow()
    name = f"rate:{key}:{int(now.timestamp()) // window}"
    client = redis_client()
    if client is not None:
        pipe = client.pipeline(transaction=False)
        pipe.incr(_key(name))
        pipe.expire(_key(name), window * 2)
        return int(pipe.execute()[0])
    if random.random() < 0.001:
        db.session.execute(
            delete(Counter).where(Counter.name.like("rate:%"), Counter.updated_at < now - KEEP)
        )
    return _upsert(db.session(), name, 1)
