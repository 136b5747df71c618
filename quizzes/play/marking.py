"""Responses and marks: checking what a browser sends, marking papers, grading essays, regrading.

Responses are stored with the question's stored (unshuffled) option indexes; the browser sends
those indexes too, so a reshuffled page never changes what an answer means.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import select

from lianbing.host import Invalid, db, utcnow, write_audit
from quizzes import qtypes
from quizzes.models import Question, QuestionVersion
from quizzes.play.models import Attempt, AttemptItem

MAX_TEXT = 10_000


class ResponseError(Invalid):
    """A response that does not fit the question (tampered or malformed): 400."""


def _index(value: Any, n: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < n:
        raise ResponseError("选项不存在")
    return value


def _text(value: Any, limit: int = 500) -> str:
    if value is None:
        return ""
    if (
        not isinstance(value, (str, int, float))
        or isinstance(value, bool)
        or len(str(value)) > limit
    ):
        raise ResponseError("答案格式不正确或过长")
    return str(value)


def _choice(content: dict, raw: Any) -> int:
    return _index(raw, len(content["options"]))


def _multiple(content: dict, raw: Any) -> list[int]:
    if not isinstance(raw, list):
        raise ResponseError("多选题的答案应为选项列表")
    chosen = sorted({_index(v, len(content["options"])) for v in raw})
    return chosen


def _truefalse(content: dict, raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise ResponseError("判断题的答案应为“正确”或“错误”")
    return raw


def _fill(content: dict, raw: Any) -> list[str]:
    n = len(content["blanks"])
    if not isinstance(raw, list) or len(raw) > n:
        raise ResponseError("填空题的答案数目不对")
    return [_text(v) for v in raw] + [""] * (n - len(raw))


def _matching(content: dict, raw: Any) -> list[str | None]:
    view = qtypes.get("matching").public_view(content)
    if not isinstance(raw, list) or len(raw) > len(view["lefts"]):
        raise ResponseError("匹配题的答案数目不对")
    allowed = set(view["choices"])
    if any(v is not None and v not in allowed for v in raw):
        raise ResponseError("匹配题的选项不存在")
    return list(raw) + [None] * (len(view["lefts"]) - len(raw))


CHECKERS = {
    "single": _choice,
    "multiple": _multiple,
    "truefalse": _truefalse,
    "fill": _fill,
    "numerical": lambda c, r: _text(r, 50),
    "matching": _matching,
    "essay": lambda c, r: _text(r, MAX_TEXT),
}


def check_response(qtype: str, content: dict, raw: Any) -> Any:
    """Canonical response for a raw JSON value, or None for 'no answer'; ResponseError if bad."""
    if raw is None or raw == "" or raw == []:
        return None
    return CHECKERS[qtype](content, raw)


TRUE_BIT, FALSE_BIT = 8, 9


def option_mask(qtype: str, response: Any) -> int:
    """The chosen options of a canonical response as bits (0 for other types or no answer)."""
    if response is None:
        return 0
    if qtype == "single":
        return 1 << response
    if qtype == "multiple":
        return sum(1 << i for i in response)
    if qtype == "truefalse":
        return 1 << (TRUE_BIT if response else FALSE_BIT)
    return 0


def mark(version: QuestionVersion, response: Any, points: float, partial: bool) -> float | None:
    """Points earned (None when a person must grade)."""
    if response is None:
        return None if not qtypes.get(version.qtype).is_auto else 0.0
    fraction = qtypes.get(version.qtype).mark(version.content, response, partial=partial)
    return None if fraction is None else round(fraction * points, 4)


def is_right(item: AttemptItem) -> bool:
    return item.score is not None and item.score >= item.points - 1e-6


def mark_items(
    items: list[AttemptItem], versions: dict[int, QuestionVersion], partial: bool
) -> None:
    """Mark every item of a paper in place."""
    for item in items:
        version = versions[item.version_id]
        item.score = mark(version, item.response, item.points, partial)
        if item.score is None and item.response is None:
            item.score = 0.0


def versions_for(items: list[AttemptItem]) -> dict[int, QuestionVersion]:
    ids = {i.version_id for i in items}
    return {
        v.id: v
        for v in db.session.scalars(select(QuestionVersion).where(QuestionVersion.id.in_(ids)))
    }


def total(attempt: Attempt) -> None:
    """Recompute an attempt's score, pending count and packed marks from its items."""
    attempt.score = round(sum(i.score or 0.0 for i in attempt.items), 4)
    attempt.pending = sum(1 for i in attempt.items if i.score is None)
    attempt.item_marks = pack_marks(
        [(i.question_id, i.slot_no, i.score, i.points, i.option_mask) for i in attempt.items]
    )


#: one paper item as item analysis reads it: question, slot, score (None as 0), points, options
MARKS = np.dtype(
    [("q", "<i8"), ("slot", "<i8"), ("score", "<f8"), ("points", "<f8"), ("mask", "<i8")]
)


def pack_marks(items: list[tuple[int, int, float | None, float, int | None]]) -> bytes:
    """(question, slot, score, points, option mask) per item as fixed-width binary records:
    the whole quiz's marks load as one buffer, with no Python object per item."""
    rows = [(q, slot, score or 0.0, points, mask or 0) for q, slot, score, points, mask in items]
    return np.array(rows, dtype=MARKS).tobytes()


def grade_item(item: AttemptItem, points: float, feedback: str, grader_id: int) -> None:
    """A trainer's mark for one essay answer (0..item points), audited."""
    if not 0 <= points <= item.points:
        raise ResponseError(f"得分须在 0 到 {item.points:g} 之间")
    old = {"score": item.score, "feedback": item.feedback}
    item.score, item.feedback = float(points), feedback.strip()
    item.graded_by, item.graded_at = grader_id, utcnow()
    total(item.attempt)
    write_audit(
        "quiz.grade",
        "quiz_attempt_item",
        item.id,
        actor_id=grader_id,
        bureau_id=item.attempt.bureau_id,
        old=old,
        new={"score": item.score, "feedback": item.feedback},
    )


def regrade_items(
    question: Question, items: list[AttemptItem], actor_id: int, reason: str
) -> list[Attempt]:
    """Mark every item of ``question`` again against its current version's key; changed attempts."""
    current = db.session.scalar(
        select(QuestionVersion).where(
            QuestionVersion.question_id == question.id, QuestionVersion.version == question.version
        )
    )
    changed: dict[int, Attempt] = {}
    for item in items:
        if current.qtype != question.qtype or not qtypes.get(current.qtype).is_auto:
            continue
        new = mark(current, item.response, item.points, item.attempt.quiz.partial_credit)
        if new != item.score or item.version_id != current.id:
            _audit_regrade(item, new, current.id, actor_id, reason)
            item.score, item.version_id = new, current.id
            total(item.attempt)
            changed[item.attempt_id] = item.attempt
    return list(changed.values())


def _audit_regrade(
    item: AttemptItem, new: float | None, version_id: int, actor_id: int, reason: str
) -> None:
    write_audit(
        "quiz.regrade",
        "quiz_attempt_item",
        item.id,
        actor_id=actor_id,
        bureau_id=item.attempt.bureau_id,
        old={"score": item.score, "version_id": item.version_id},
        new={"score": new, "version_id": version_id},
        reason=reason,
    )
