"""What a submitted attempt looks like in review: the officer's answer and the key, in words."""

from __future__ import annotations

from typing import Any

from quizzes import qtypes
from quizzes.models import QuestionVersion
from quizzes.play import marking
from quizzes.play.models import Attempt


def response_text(version: QuestionVersion, response: Any) -> str:
    """An answer in words (option letters, 正确/错误, the text typed)."""
    if response is None:
        return "（未作答）"
    if version.qtype == "single":
        return qtypes.letter(response)
    if version.qtype == "multiple":
        return "".join(qtypes.letter(i) for i in response)
    if version.qtype == "truefalse":
        return "正确" if response else "错误"
    if isinstance(response, list):
        return "；".join("" if r is None else str(r) for r in response)
    return str(response)


def review_items(attempt: Attempt) -> list[dict]:
    """One dict per paper item, keys included (only for submitted attempts)."""
    versions = marking.versions_for(attempt.items)
    out = []
    for item in attempt.items:
        v = versions[item.version_id]
        view = qtypes.get(v.qtype).public_view(v.content)
        out.append(
            {
                "position": item.position,
                "label": qtypes.LABELS[v.qtype],
                "stem": v.stem,
                "options": view.get("options", []),
                "points": item.points,
                "score": item.score,
                "answer": response_text(v, item.response),
                "key": qtypes.get(v.qtype).key_text(v.content),
                "explanation": v.explanation,
                "legal_basis": v.legal_basis,
                "feedback": item.feedback,
                "right": marking.is_right(item),
                "item_id": item.id,
                "question_id": item.question_id,
            }
        )
    return out
