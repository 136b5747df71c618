"""Server-side sessions: a row per login, checked on every request, deleted to end it.

Why rows rather than a per-user epoch: a row ends one session (logout) while the user's other
sessions live on, records where and when each began, and a password change can keep the
current session while ending the others. The cookie (signed by Flask) holds a random id; the
table holds its SHA-256, so a copy of the database yields no live cookie.

The user loader reads the user and its session row in one query; ``last_seen`` is written at
most once a minute. A session ends after ``SESSION_IDLE_MINUTES`` without a request and
``SESSION_MAX_HOURS`` after login, whichever comes first.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from lianbing.accounts.models import User, UserSession
from lianbing.dbtypes import utcnow
from lianbing.extensions import db

#: the key of the raw session id in Flask's signed session cookie
COOKIE_KEY = "sid"
TOUCH_EVERY = timedelta(minutes=1)


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
    """The active user of a live session (one query), or None; touches last_seen once a minute."""
    if not raw or not str(user_id).isdigit():
        return None
    row = db.session.execute(
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(User.id == int(user_id), UserSession.id == _digest(raw))
    ).first()
    if row is None:
        return None
    user, session = row
    now = utcnow()
    if not user.is_active or _expired(session, now):
        return None
    if now - session.last_seen >= TOUCH_EVERY:
        session.last_seen = now
    return user


def _expired(session: UserSession, now) -> bool:
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    lifetime = timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    return now - session.last_seen > idle or now - session.created_at > lifetime


def end(raw: str | None) -> None:
    """End one session (logout)."""
    if raw:
        db.session.execute(delete(UserSession).where(UserSession.id == _digest(raw)))


def end_all(user_id: int, *, keep: str | None = None) -> int:
    """End every session of the user, except the one whose raw id is ``keep``; returns how many."""
    stmt = delete(UserSession).where(UserSession.user_id == user_id)
    if keep:
        stmt = stmt.where(UserSession.id != _digest(keep))
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
