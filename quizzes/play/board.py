"""Competition leaderboards: individuals and bureaus, cached by a version kept in the database.

The cache key holds ``Quiz.board_version``, bumped in the same transaction as every submission,
grade or regrade, so several workers (or a shared Redis) never serve a stale board. At close the
board is computed once more and stored in ``Quiz.frozen_board``; from then on it never moves.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from lianbing.host import Bureau, User, cache, db, log_event
from quizzes.play import services
from quizzes.play.models import Attempt, Quiz

CACHE_SECONDS = 600
TOP = 10


def _sort_key(row: dict) -> tuple:
    """More points first; then less time used; then earlier submission."""
    return (-row["score"], row["seconds"], row["submitted_at"], row["user_id"])


def _counting_rows(quiz: Quiz) -> list[dict]:
    stmt = (
        select(Attempt, User.display_name, Bureau.short_name)
        .join(User, User.id == Attempt.user_id)
        .join(Bureau, Bureau.id == Attempt.bureau_id)
        .where(Attempt.quiz_id == quiz.id, Attempt.status == "submitted")
        .order_by(Attempt.id)
    )
    best: dict[int, dict] = {}
    for attempt, name, bureau in db.session.execute(stmt):
        row = {
            "user_id": attempt.user_id,
            "name": name,
            "bureau": bureau,
            "bureau_id": attempt.bureau_id,
            "score": round(attempt.score, 2),
            "seconds": round(attempt.seconds_used or 0.0, 1),
            "submitted_at": attempt.submitted_at.isoformat(),
            "pending": attempt.pending,
        }
        old = best.get(attempt.user_id)
        if old is None or quiz.grading == "last" or _sort_key(row) < _sort_key(old):
            best[attempt.user_id] = row
    return sorted(best.values(), key=_sort_key)


def _expected(quiz: Quiz) -> dict[int, int]:
    """Officers expected per bureau (the audience)."""
    stmt = select(User.bureau_id, func.count()).where(
        User.role == "officer", User.is_active_.is_(True)
    )
    if quiz.audience == "bureaus":
        stmt = stmt.where(User.bureau_id.in_(quiz.audience_ids or []))
    elif quiz.audience == "users":
        stmt = stmt.where(User.id.in_(quiz.audience_ids or []))
    return dict(db.session.execute(stmt.group_by(User.bureau_id)).all())


def _bureaus(quiz: Quiz, rows: list[dict]) -> list[dict]:
    expected = _expected(quiz)
    names = dict(db.session.execute(select(Bureau.id, Bureau.short_name)).all())
    out = []
    for bureau_id in set(expected) | {r["bureau_id"] for r in rows}:
        scores = [r["score"] for r in rows if r["bureau_id"] == bureau_id]
        total = max(expected.get(bureau_id, 0), len(scores))
        out.append(
            {
                "bureau_id": bureau_id,
                "bureau": names.get(bureau_id, ""),
                "participants": len(scores),
                "expected": total,
                "rate": round(len(scores) / total, 4) if total else 0.0,
                "average": round(sum(scores) / len(scores), 2) if scores else 0.0,
            }
        )
    return sorted(out, key=lambda b: (-b["average"], -b["rate"], b["bureau"]))


def compute(quiz: Quiz, frozen: bool = False) -> dict:
    """The board as plain JSON-able data."""
    rows = _counting_rows(quiz)
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    in_progress = db.session.scalar(
        select(func.count()).where(Attempt.quiz_id == quiz.id, Attempt.status == "open")
    )
    return {
        "quiz_id": quiz.id,
        "title": quiz.title,
        "max": quiz.max_points,
        "version": quiz.board_version,
        "frozen": frozen,
        "in_progress": in_progress,
        "individuals": rows,
        "bureaus": _bureaus(quiz, rows),
    }


def _overdue(quiz: Quiz, now: datetime) -> bool:
    edge = now - timedelta(seconds=services.GRACE_SECONDS)
    return bool(
        db.session.scalar(
            select(func.count()).where(
                Attempt.quiz_id == quiz.id, Attempt.status == "open", Attempt.deadline_at < edge
            )
        )
    )


def board(quiz: Quiz, now: datetime) -> dict:
    """Current board (cached), or the frozen one after close. May auto-submit overdue attempts."""
    if quiz.frozen_board is not None:
        return quiz.frozen_board
    if services.is_closed(quiz, now):
        return freeze(quiz, now)
    if _overdue(quiz, now):
        services.expire_quiz(quiz, now)
        db.session.refresh(quiz)
    key = f"quizzes:board:{quiz.id}:{quiz.board_version}"
    data = cache.get(key)
    if data is None:
        data = compute(quiz)
        cache.set(key, data, timeout=CACHE_SECONDS)
    return data


def freeze(quiz: Quiz, now: datetime) -> dict:
    """Submit what is left, compute the final board and store it once (first writer wins)."""
    services.expire_quiz(quiz, now)
    data = compute(quiz, frozen=True)
    stored = db.session.execute(
        update(Quiz)
        .where(Quiz.id == quiz.id, Quiz.frozen_board.is_(None))
        .values(frozen_board=data)
        .execution_options(synchronize_session=False)
    )
    if stored.rowcount == 1:
        log_event(
            "quizzes",
            "%s %d %r closed: final board frozen with %d officers",
            quiz.mode,
            quiz.id,
            quiz.title,
            len(data["individuals"]),
            target=f"quiz:{quiz.id}",
            count=len(data["individuals"]),
        )
    db.session.refresh(quiz)
    return quiz.frozen_board or data


def top(data: dict, n: int = TOP) -> list[dict]:
    return data["individuals"][:n]
