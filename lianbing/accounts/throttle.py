"""One limiter for every kind of guessing: failures counted under a key in the database.

Why the database: every worker sees the same counts without another service to run; Redis
is not needed for the volumes of a bureau's intranet (see SECURITY.md). A key names what is
counted, e.g. ``login:user:ip:<name>:<address>`` or ``lecture-code:user:<id>``.

``check`` refuses (429) once ``limit`` hits fell within the last ``window`` seconds;
``note`` counts one more hit. A counted failure must outlive the refusal that follows it, so
``note`` asks the lifecycle to keep the request's changes (callers note failures only on paths
that changed nothing else).

``hit`` is the plain rate limit on hot paths (an answer save): one counter per key and fixed
window (lianbing/counters: one upsert, or one Redis round trip with REDIS_URL) instead of a
count and an insert. A fixed window lets a burst at a window's edge reach twice the limit,
which suits a generous ceiling meant for scripts.
"""

from __future__ import annotations

import random
from datetime import timedelta

from flask import g, has_request_context, request
from sqlalchemy import delete, func, select

from lianbing.accounts.models import ThrottleHit
from lianbing.counters import services as counters
from lianbing.dbtypes import utcnow
from lianbing.errors import Throttled
from lianbing.extensions import db

#: rows older than this are swept now and then
KEEP = timedelta(days=1)
MESSAGE = "尝试次数过多，请 {minutes} 分钟后再试。"


def client_address() -> str:
    """The client's address; X-Forwarded-For counts only behind TRUSTED_PROXIES (ProxyFix)."""
    if not has_request_context():
        return "-"
    return (request.remote_addr or "-")[:64]


def count(key: str, window: int) -> int:
    """Hits under ``key`` within the last ``window`` seconds."""
    since = utcnow() - timedelta(seconds=window)
    return db.session.scalar(
        select(func.count())
        .select_from(ThrottleHit)
        .where(ThrottleHit.key == key[:200], ThrottleHit.at >= since)
    )


def is_throttled(key: str, limit: int, window: int) -> bool:
    return count(key, window) >= limit


def check(key: str, limit: int, window: int, message: str = "") -> None:
    """Raise Throttled (429) when ``limit`` hits fell within the window."""
    if is_throttled(key, limit, window):
        minutes = max(1, window // 60)
        raise Throttled(message or MESSAGE.format(minutes=minutes))


def note(key: str) -> None:
    """Count one hit under ``key``, kept even when the request is refused afterwards."""
    db.session.add(ThrottleHit(key=key[:200], at=utcnow()))
    db.session.flush()
    if has_request_context():
        g.keep_changes = True
    if random.random() < 0.01:
        db.session.execute(delete(ThrottleHit).where(ThrottleHit.at < utcnow() - KEEP))


def hit(key: str, limit: int, window: int, message: str = "") -> None:
    """A plain rate limit: count this call in its fixed window; refuse it over ``limit``."""
    if counters.window_hits(key[:200], window) > limit:
        minutes = max(1, window // 60)
        raise Throttled(message or MESSAGE.format(minutes=minutes))


def clear(key: str) -> None:
    """Forget the hits under ``key`` (a success ends the run of failures)."""
    db.session.execute(delete(ThrottleHit).where(ThrottleHit.key == key[:200]))
