"""What a submitted attempt looks like in review: the officer's answer and the key, in words."""

from __future__ import annotations

from typing import Any, Sequence

from quizzes import qtypes
from quizzes.models import QuestionVersion
from quizzes.play import display, marking
from quizzes.play.models import Attempt


def response_text(
    version: QuestionVersion, response: Any, order: Sequence[int] | None = None
) -> str:
    """An answer in words (option letters as the officer saw them, 正确/错误, the text typed)."""
    return display.shown_response(version.qtype, response, order)


def review_items(
    attempt: Attempt, parts: set[str] | None = None, sealed: set[int] | None = None
) -> list[dict]:
    """One dict per paper item (only for submitted attempts), holding what ``parts`` allow.

    parts: REVIEW_PARTS keys the viewer may see (None = everything, for staff); sealed: question
    ids whose key and explanation stay hidden (in a competition not closed for everyone).
    """
    versions = marking.versions_for(attempt.items)
    out = [_item(i, versions[i.version_id]) for i in attempt.items]
    if parts is None:
        return out
    for it in out:
        _restrict(it, parts, it["question_id"] in (sealed or set()))
    return out


def _restrict(it: dict, parts: set[str], sealed: bool) -> None:
    hidden = {
        "answer": "responses" not in parts,
        "right": "marks" not in parts or sealed,
        "key": "keys" not in parts or sealed,
        "explanation": "explanations" not in parts or sealed,
        "legal_basis": "explanations" not in parts or sealed,
        "feedback": "marks" not in parts or sealed,
    }
    for key, hide in hidden.items():
        if hide:
            it[key] = None
    if it["right"] is None:
        it["score"] = None


def _item(item, v: QuestionVersion) -> dict:
    view = qtypes.get(v.qtype).public_view(v.content)
    return {
        "position": item.position,
        "label": qtypes.LABELS[v.qtype],
        "stem": v.stem,
        "options": display.shown_options(view.get("options", []), item.option_order),
        "points": item.points,
        "score": item.score,
        "answer": response_text(v, item.response, item.option_order),
        "key": display.shown_key(v.qtype, v.content, item.option_order),
        "explanation": v.explanation,
        "legal_basis": v.legal_basis,
        "feedback": item.feedback,
        "right": marking.is_right(item),
        "item_id": item.id,
        "question_id": item.question_id,
    }
