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
from sqlalchemy import bindparam, delete, inspect, select, update
from sqlalchemy.orm import make_transient_to_detached

from lianbing.accounts.models import User, UserSession
from lianbing.counters import services as counters
from lianbing.dbtypes import utcnow
from lianbing.extensions import db

#: the key of the raw session id in Flask's signed session cookie
COOKIE_KEY = "sid"
TOUCH_EVERY = timedelta(minutes=1)
#: sessions a worker keeps in memory (beyond this the oldest half is dropped)
KEEP_AT_MOST = 20_000
_COLUMNS = [c.key for c in inspect(User).column_attrs]
_TOUCH = (
    update(UserSession.__table__)
    .where(UserSession.__table__.c.id == bindparam("digest"))
    .values(last_seen=bindparam("now"))
)


def _version(user_id: int) -> str:
    return f"auth:{user_id}"


counters.watch(User, lambda user: [_version(user.id)])


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

    From this worker's memory while the user's version is unchanged, else from the database.
    """
    if not raw or not str(user_id).isdigit():
        return None
    uid, digest, now = int(user_id), _digest(raw), utcnow()
    version = counters.value(_version(uid))
    kept = _kept().get(digest)
    if kept is None or kept.version != version or kept.user_id != uid or _expired(kept, now):
        kept = _read(uid, digest, version, now)
        if kept is None:
            return None
    if now - kept.last_seen >= TOUCH_EVERY:
        db.session.connection().execute(_TOUCH, {"digest": digest, "now": now})
        kept.last_seen = now
    return _attach(kept.columns)


def _kept() -> dict[str, _Kept]:
    """This worker's remembered sessions (one dict per app)."""
    return current_app.extensions.setdefault("lianbing_sessions", {})


def _read(user_id: int, digest: str, version: int, now: datetime) -> _Kept | None:
    """The live session from the database (one query), remembered; None when it is not live."""
    kept = _kept()
    kept.pop(digest, None)
    row = db.session.execute(
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(User.id == user_id, UserSession.id == digest)
    ).first()
    if row is None or not row[0].is_active or _expired(row[1], now):
        return None
    user, session = row
    if len(kept) >= KEEP_AT_MOST:
        for old in list(kept)[: KEEP_AT_MOST // 2]:
            del kept[old]
    columns = {key: getattr(user, key) for key in _COLUMNS}
    kept[digest] = _Kept(version, user_id, columns, session.created_at, session.last_seen)
    return kept[digest]


def _attach(columns: dict) -> User:
    """The user as a persistent instance of this request's session, without a query."""
    found = db.session.identity_map.get(db.session.identity_key(User, columns["id"]))
    if found is not None:
        return found
    user = User(**columns)
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
