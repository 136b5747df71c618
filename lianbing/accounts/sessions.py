"""Server-side sessions: a row per login, checked on every request, deleted to end it.

Why rows rather than a per-user epoch: a row ends one session (logout) while the user's other
sessions live on, records where and when each began, and a password change can keep the
current session while ending the others. The cookie (signed by Flask) holds a random id; the
table holds its SHA-256, so a copy of the database yields no live cookie.

A session ends after ``SESSION_IDLE_MINUTES`` without a request and ``SESSION_MAX_HOURS``
after login, whichever comes first; ``last_seen`` is written at most once a minute.

Every request needs its user, so each worker keeps the users of the sessions it has served
(column values and session times, in process memory) keyed by the session's digest, together
with the user's version ``auth:<id>`` (lianbing/counters) read before the rows. A request
first reads that version — from Redis when ``REDIS_URL`` is set (no database round trip), else
one primary-key read of the ``counters`` table — and uses the kept user only while it is
unchanged. The version is bumped by every ORM change of the user row (role, bureau, password,
deactivation, deletion: ``counters.watch``) and by ending sessions here, so a revocation is
seen by every worker on every machine at its next request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, event, inspect, select, update
from sqlalchemy.orm import Session, make_transient_to_detached

from lianbing.accounts.models import User, UserSession
from lianbing.counters import services as counters
from lianbing.dbtypes import utcnow
from lianbing.extensions import db

#: the key of the raw session id in Flask's signed session cookie
COOKIE_KEY = "sid"
TOUCH_EVERY = timedelta(minutes=1)
#: sessions a worker keeps in memory (beyond this the oldest half is dropped)
KEEP_AT_MOST = 20_000
_ATTRS = list(inspect(User).column_attrs)
_NEW_USER = inspect(User).class_manager.new_instance
_TOUCH_KEY = "sessions_touch"
_TOUCH = (
    update(UserSession.__table__)
    .where(UserSession.__table__.c.id == bindparam("digest"))
    .values(last_seen=bindparam("now"))
)


def _version(user_id: int) -> str:
    return f"auth:{user_id}"


counters.watch(User, lambda user: [_version(user.id)], new=False)


@dataclass
class _Kept:
    """A live session as a worker remembers it."""

    version: int
    user_id: int
    columns: dict
    created_at: datetime
    last_seen: datetime


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def start(user: User, ip: str = "", user_agent: str = "") -> str:
    """A new session for the user; returns the raw id for the cookie."""
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        UserSession(
            id=_digest(raw),
            user_id=user.id,
            created_at=now,
            last_seen=now,
            ip=(ip or "")[:64],
            user_agent=(user_agent or "")[:200],
        )
    )
    _sweep(user.id, now)
    db.session.flush()
    return raw


def load(user_id: str, raw: str | None) -> User | None:
    """The active user of a live session, or None; touches last_seen once a minute.

    From this worker's memory while the user's version is unchanged (one read of the version),
    else from the database (one query, which reads the version too unless it is in Redis).
    """
    if not raw or not str(user_id).isdigit():
        return None
    uid, digest, now = int(user_id), _digest(raw), utcnow()
    kept = _kept().get(digest)
    fresh = (
        kept is not None
        and kept.user_id == uid
        and not _expired(kept, now)
        and kept.version == counters.value(_version(uid))
    )
    if not fresh:
        kept = _read(uid, digest, now)
        if kept is None:
            return None
    if now - kept.last_seen >= TOUCH_EVERY:
        # written at the commit, after the request's own writes: on SQLite a write here would
        # take the database's lock before a quiz request waits for its write gate
        db.session().info.setdefault(_TOUCH_KEY, {})[digest] = now
        kept.last_seen = now
    return _attach(kept.columns)


@event.listens_for(Session, "before_commit")
def _touch(session: Session) -> None:
    for digest, now in session.info.pop(_TOUCH_KEY, {}).items():
        session.connection().execute(_TOUCH, {"digest": digest, "now": now})


@event.listens_for(Session, "after_rollback")
def _forget_touch(session: Session) -> None:
    session.info.pop(_TOUCH_KEY, None)


def _kept() -> dict[str, _Kept]:
    """This worker's remembered sessions (one dict per app)."""
    return current_app.extensions.setdefault("lianbing_sessions", {})


_USERS, _SESSIONS = User.__table__, UserSession.__table__
_READ = (
    select(*_USERS.c, _SESSIONS.c.created_at.label("s_created"), _SESSIONS.c.last_seen)
    .select_from(_USERS.join(_SESSIONS, _SESSIONS.c.user_id == _USERS.c.id))
    .where(_USERS.c.id == bindparam("user_id"), _SESSIONS.c.id == bindparam("digest"))
)
#: the same with the user's version from the counters table (no Redis), in one snapshot
_READ_VERSIONED = _READ.add_columns(counters.value_column())


def _read(user_id: int, digest: str, now: datetime) -> _Kept | None:
    """The live session from the database, remembered; None when it is not live.

    The version is read before the rows: from Redis, or in the same statement as a scalar
    subquery (one snapshot, one round trip)."""
    kept = _kept()
    kept.pop(digest, None)
    name = _version(user_id)
    version = counters.value(name) if counters.redis_client() else None
    stmt = _READ if version is not None else _READ_VERSIONED
    row = (
        db.session.connection()
        .execute(stmt, {"user_id": user_id, "digest": digest, "version_name": name})
        .first()
    )
    if row is None:
        return None
    session = _SessionTimes(row.s_created, row.last_seen)
    if not row.is_active or _expired(session, now):
        return None
    if len(kept) >= KEEP_AT_MOST:
        for old in list(kept)[: KEEP_AT_MOST // 2]:
            del kept[old]
    columns = {attr.key: row._mapping[attr.columns[0]] for attr in _ATTRS}
    version = version if version is not None else row[-1]
    kept[digest] = _Kept(version, user_id, columns, row.s_created, row.last_seen)
    return kept[digest]


@dataclass
class _SessionTimes:
    created_at: datetime
    last_seen: datetime


def _attach(columns: dict) -> User:
    """The user as a persistent instance of this request's session, without a query."""
    found = db.session.identity_map.get(db.session.identity_key(User, columns["id"]))
    if found is not None:
        return found
    # the values set as a query's loader sets them (no attribute events, nothing to flush)
    user = _NEW_USER()
    user.__dict__.update(columns)
    make_transient_to_detached(user)
    db.session.add(user)
    return user


def _expired(session: UserSession, now) -> bool:
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    lifetime = timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    return now - session.last_seen > idle or now - session.created_at > lifetime


def end(raw: str | None) -> None:
    """End one session (logout); every worker forgets it at its next request."""
    if raw:
        ended = db.session.execute(
            delete(UserSession).where(UserSession.id == _digest(raw)).returning(UserSession.user_id)
        ).all()
        for (user_id,) in ended:
            counters.bump(_version(user_id))


def end_all(user_id: int, *, keep: str | None = None) -> int:
    """End every session of the user, except the one whose raw id is ``keep``; returns how many."""
    stmt = delete(UserSession).where(UserSession.user_id == user_id)
    if keep:
        stmt = stmt.where(UserSession.id != _digest(keep))
    counters.bump(_version(user_id))
    return db.session.execute(stmt).rowcount or 0


def live_sessions(user_id: int) -> list[UserSession]:
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user_id)
            .order_by(UserSession.created_at.desc())
        )
    )


def _sweep(user_id: int, now) -> None:
    """Forget the user's sessions that can no longer be used."""
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    lifetime = timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == user_id,
            (UserSession.last_seen < now - idle) | (UserSession.created_at < now - lifetime),
        )
    )
