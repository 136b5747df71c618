"""Studying a lesson: the study record, server-side heartbeats and marking a lesson done.

A visible page sends a heartbeat every BEAT_SECONDS; the server credits only the wall time
since the previous visible beat, never more than MAX_GAP per beat, capped per lesson.

One clock per officer: a beat credits only the time since the officer's latest beat on *any*
lesson, so several tabs or lessons open side by side never add up to more than wall time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import aliased

from lianbing.host import Forbidden, NotFound, db, utcnow
from training.modules.models import Lesson, StudyRecord
from training.modules.services import maybe_complete, require_study
from training.rows import insert_once

#: a visible page sends a heartbeat every BEAT_SECONDS; one beat never credits more than MAX_GAP
BEAT_SECONDS = 30
MAX_GAP = 60
#: time counted on a lesson is capped at this multiple of its estimated minutes
LESSON_CAP_FACTOR = 2


def open_lesson(user, lesson: Lesson, now: datetime | None = None) -> StudyRecord:
    """The user's study record for a lesson, created on first opening."""
    require_study(user, lesson.module)
    record = record_for(user.id, lesson.id)
    if record is None:
        fresh = StudyRecord(
            user_id=user.id, lesson_id=lesson.id, seconds=0, opened_at=now or utcnow()
        )
        record = fresh if insert_once(fresh) else record_for(user.id, lesson.id)
    record.last_beat_at = None  # a fresh page: time starts with its first heartbeat
    db.session.flush()
    return record


def record_for(user_id: int, lesson_id: int) -> StudyRecord | None:
    """The user's study record of a lesson, or None."""
    return db.session.scalar(
        select(StudyRecord).where(
            StudyRecord.user_id == user_id, StudyRecord.lesson_id == lesson_id
        )
    )


def lesson_cap(lesson: Lesson) -> int:
    """The most seconds a lesson can count."""
    return lesson.minutes * 60 * LESSON_CAP_FACTOR


def heartbeat(user, record_id: int, visible: bool, now: datetime | None = None) -> int:
    """Credit the time since the previous visible heartbeat; returns the seconds credited.

    Never more than the wall time elapsed, at most MAX_GAP per beat, capped per lesson;
    a hidden page stops the clock until the next visible beat.
    """
    now = now or utcnow()
    record = db.session.get(StudyRecord, record_id)
    if record is None:
        raise NotFound("学习记录不存在。")
    if record.user_id != user.id:
        raise Forbidden("不能为他人的学习记录计时。")
    lesson = db.session.get(Lesson, record.lesson_id)
    require_study(user, lesson.module)
    latest = _latest_beat(user.id)
    credit = _credit(record, lesson, now, latest) if visible else 0
    beat_at = max(now, record.last_beat_at or now) if visible else None
    return credit if _compare_and_set(record, credit, beat_at, latest) else 0


def _latest_beat(user_id: int) -> datetime | None:
    """The officer's latest heartbeat on any lesson: the officer's one clock."""
    return db.session.scalar(
        select(func.max(StudyRecord.last_beat_at)).where(StudyRecord.user_id == user_id)
    )


def _compare_and_set(
    record: StudyRecord, credit: int, beat_at: datetime | None, latest: datetime | None
) -> bool:
    """Apply a beat only if no other beat changed the record meanwhile (two tabs, replays),
    nor moved the officer's clock on another lesson."""
    previous = StudyRecord.last_beat_at
    same = previous.is_(None) if record.last_beat_at is None else previous == record.last_beat_at
    other = aliased(StudyRecord)
    moved = select(other.id).where(other.user_id == record.user_id)
    if latest is not None:
        moved = moved.where(other.last_beat_at > latest)
    else:
        moved = moved.where(other.last_beat_at.is_not(None))
    result = db.session.execute(
        update(StudyRecord)
        .where(StudyRecord.id == record.id, same, ~moved.exists())
        .values(seconds=StudyRecord.seconds + credit, last_beat_at=beat_at)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(record)
    return result.rowcount == 1


def _credit(record: StudyRecord, lesson: Lesson, now: datetime, latest: datetime | None) -> int:
    if record.last_beat_at is None or now <= record.last_beat_at:
        return 0
    since = max(record.last_beat_at, latest or record.last_beat_at)
    elapsed = int((now - since).total_seconds()) if now > since else 0
    return max(0, min(elapsed, MAX_GAP, lesson_cap(lesson) - record.seconds))


def mark_done(user, lesson: Lesson, now: datetime | None = None) -> StudyRecord:
    """Mark a lesson done (idempotent) and complete the module when everything is done."""
    record = open_lesson(user, lesson, now)
    if record.done_at is None:
        record.done_at = now or utcnow()
        db.session.flush()
        done = maybe_complete(user, lesson.module, now)
        record.not_counted = done.not_counted if done else None
    return record
