"""One quiz writer at a time across gunicorn workers on SQLite, queued in the kernel.

SQLite lets one connection write at a time; the others get SQLITE_BUSY and its busy handler
sleeps and retries (1, 2, 5 … 100 ms), so under a storm of starts or saves the lock often sits
idle while waiters sleep, and unlucky requests lose many rounds (seconds of tail latency).
Before its first write, a quiz request takes an exclusive ``flock`` on a file beside the
database; the kernel wakes the next waiter as soon as the holder's transaction ends (the host's
commit or rollback at the end of the request releases it). Reads are not gated (WAL readers
never wait). Other databases and in-memory SQLite are untouched.
"""

from __future__ import annotations

import fcntl
import os

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

_KEY = "quizzes_write_gate"
#: one open file per (process, lock file): flock excludes other open files,
#: so a forked worker opens its own
_files: dict[tuple[int, str], int] = {}


def enter(session: Session) -> None:
    """Wait for the gate before this transaction's first write (no-op off SQLite or when held)."""
    if _KEY in session.info:
        return
    path = _lock_path(session)
    if path is None:
        return
    key = (os.getpid(), path)
    fd = _files.get(key)
    if fd is None:
        fd = _files[key] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    session.info[_KEY] = fd


def _lock_path(session: Session) -> str | None:
    url = session.get_bind().url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return os.path.abspath(url.database) + ".quiz-writers"


def held(session: Session) -> bool:
    return _KEY in session.info


@event.listens_for(Session, "after_transaction_end")
def _leave(session: Session, transaction: SessionTransaction) -> None:
    """The outermost transaction ended (commit, rollback or close): let the next writer in."""
    if transaction.parent is None and _KEY in session.info:
        fcntl.flock(session.info.pop(_KEY), fcntl.LOCK_UN)
