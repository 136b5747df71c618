"""The one displayed order of a choice question's options on an officer's paper.

An attempt item stores ``option_order`` (stored option indexes in the order shown, e.g.
``[2, 0, 3, 1]``). Every view that names an option by letter (taking, result, review, trainer
preview, attempt lists, exports) goes through these helpers, so "A" always means the option the
officer saw first.
"""

from __future__ import annotations

from typing import Any, Sequence

from quizzes import qtypes

CHOICE_TYPES = ("single", "multiple")


def _order(order: Sequence[int] | None, n: int) -> list[int]:
    return list(order) if order else list(range(n))


def shown_options(options: Sequence[str], order: Sequence[int] | None) -> list[str]:
    """The option texts in the order the officer saw them."""
    return [options[i] for i in _order(order, len(options))]


def shown_letter(stored: int, order: Sequence[int] | None) -> str:
    """The letter the officer saw for the stored option index ``stored``."""
    seq = _order(order, qtypes.MAX_OPTIONS)
    return qtypes.letter(seq.index(stored)) if stored in seq else "?"


def shown_letters(stored: Sequence[int], order: Sequence[int] | None) -> str:
    """Several stored indexes as the letters shown, in displayed order (multiple choice)."""
    seq = _order(order, qtypes.MAX_OPTIONS)
    return "".join(qtypes.letter(p) for p, i in enumerate(seq) if i in set(stored))


def key_indexes(qtype: str, content: dict) -> list[int]:
    """Stored indexes of the right options of a choice question."""
    options = content.get("options", [])
    if qtype == "single":
        return [i for i, o in enumerate(options) if o["weight"] >= 1.0]
    return [i for i, o in enumerate(options) if o["weight"] > 0]


def shown_key(qtype: str, content: dict, order: Sequence[int] | None) -> str:
    """The key in words, choice letters in the displayed order."""
    if qtype in CHOICE_TYPES:
        return shown_letters(key_indexes(qtype, content), order)
    return qtypes.get(qtype).key_text(content)


def shown_response(qtype: str, response: Any, order: Sequence[int] | None) -> str:
    """An answer in words (letters as shown, 正确/错误, the text typed)."""
    if response is None:
        return "（未作答）"
    if qtype == "single":
        return shown_letter(int(response), order)
    if qtype == "multiple":
        return shown_letters(list(response), order) or "（未作答）"
    if qtype == "truefalse":
        return "正确" if response else "错误"
    if isinstance(response, list):
        return "；".join("" if r is None else str(r) for r in response)
    return str(response)


def first_line(stem: str, width: int = 40) -> str:
    """A question's first line, shortened: trainers recognise questions by their text."""
    line = next((ln.strip() for ln in (stem or "").splitlines() if ln.strip()), "")
    return line if len(line) <= width else line[: width - 1] + "…"
