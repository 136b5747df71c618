"""Question types: a base class and a registry keyed by name.

Every question stores its type-specific data in ``Question.content`` (JSON). Each type
below documents the shape of that dict, the shape of an officer's *response*, and what
``public_view`` sends to the browser before submission (never the key).

Common API of a type ``t = get(name)``:

- ``t.clean(data) -> dict``: a plain dict (from a form, an importer, JSON) coerced to the
  canonical content dict (``from_dict``); ``t.to_dict(content)`` returns a plain copy.
- ``t.validate(content) -> list[str]``: reasons in Chinese; empty when valid.
- ``t.mark(content, response, partial=True) -> float | None``: fraction 0..1, or None when a
  person must grade (essay). ``partial=False`` gives all-or-nothing.
- ``t.public_view(content) -> dict``: what may be shown before submission.
- ``t.key_text(content) -> str``: the key in words, for trainers and after submission.

The registry is built once from the explicit tuple ``TYPES`` and refuses duplicate names.
"""

from __future__ import annotations

import math
import re
import unicodedata
from types import MappingProxyType
from typing import Any, Mapping

from lianbing.host import in_chinese

LETTERS = "ABCDEFGH"
MAX_OPTIONS = len(LETTERS)


def letter(index: int) -> str:
    """0 -> "A"."""
    return LETTERS[index] if 0 <= index < MAX_OPTIONS else str(index + 1)


def normalize_answer(text: Any, case_sensitive: bool = False) -> str:
    """Full/half width, spaces, case and 《》〈〉 marks do not matter when comparing answers."""
    s = unicodedata.normalize("NFKC", str(text if text is not None else ""))
    s = re.sub(r"[\s《》〈〉<>]", "", s)
    return s if case_sensitive else s.casefold()


def parse_number(value: Any) -> float | None:
    """A number typed by a person ("１２．５", " 3,000 ") or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    s = normalize_answer(value).replace(",", "")
    try:
        number = float(s)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


class QuestionType:
    """Base class: subclasses set ``name``, ``label`` and override the methods."""

    name = ""
    label = ""
    #: False when a person grades (mark returns None)
    is_auto = True

    def clean(self, data: Mapping[str, Any]) -> dict:
        """Plain dict -> canonical content dict (from_dict)."""
        return dict(data)

    def to_dict(self, content: Mapping[str, Any]) -> dict:
        """Canonical content -> plain JSON-able dict."""
        return self.clean(content)

    def validate(self, content: Mapping[str, Any]) -> list[str]:
        return []

    def mark(self, content: Mapping[str, Any], response: Any, partial: bool = True) -> float | None:
        raise NotImplementedError

    def public_view(self, content: Mapping[str, Any]) -> dict:
        return {}

    def key_text(self, content: Mapping[str, Any]) -> str:
        return ""

    def __repr__(self) -> str:
        return f"<QuestionType {self.name}>"


class SingleChoice(QuestionType):
    """单选题. content: ``{"options": [{"text": str, "weight": float, "feedback": str}, ...]}``

    2..8 options (A..H); exactly one has weight 1.0 (the key); others 0 (or a Moodle-style
    partial weight between 0 and 1). response: the chosen option index (int, 0 = A).
    public_view: ``{"options": [str, ...]}`` in stored order (shuffling is the quiz's job).
    """

    name = "single"
    label = "单选题"

    def clean(self, data):
        options = [
            {
                "text": _text(o.get("text")),
                "weight": round(float(o.get("weight") or 0), 6),
                "feedback": _text(o.get("feedback")),
            }
            for o in data.get("options") or []
        ]
        return {"options": options}

    def validate(self, content):
        options = content.get("options") or []
        reasons = []
        if not 2 <= len(options) <= MAX_OPTIONS:
            reasons.append(f"选项数须在 2 到 {MAX_OPTIONS} 之间（现为 {len(options)}）")
        reasons += [f"选项{letter(i)}为空" for i, o in enumerate(options) if not o["text"]]
        reasons += self._key_reasons(options)
        return reasons

    def _key_reasons(self, options):
        full = [o for o in options if o["weight"] >= 1.0]
        if len(full) != 1:
            return ["单选题须有且只有一个正确答案" if full else "缺少正确答案"]
        if any(o["weight"] < 0 or o["weight"] > 1 for o in options):
            return ["选项分值须在 0 到 1 之间"]
        return []

    def mark(self, content, response, partial=True):
        options = content["options"]
        if (
            not isinstance(response, int)
            or isinstance(response, bool)
            or not 0 <= response < len(options)
        ):
            return 0.0
        weight = options[response]["weight"]
        return _clamp(weight) if partial else float(weight >= 1.0)

    def public_view(self, content):
        return {"options": [o["text"] for o in content["options"]]}

    def key_text(self, content):
        return "".join(letter(i) for i, o in enumerate(content["options"]) if o["weight"] >= 1.0)


class MultipleChoice(SingleChoice):
    """多选题. content as for single: ``{"options": [{"text", "weight", "feedback"}, ...]}``

    At least one option has a positive weight; the positive weights sum to 1 (e.g. three
    correct options 1/3 each); wrong options have weight 0 or a negative penalty (>= -1).
    response: list of chosen indexes. mark(partial=True): sum of chosen weights clamped to
    0..1; partial=False: 1 only when exactly the positive-weight options are chosen.
    public_view: ``{"options": [str, ...], "multiple": True}``.
    """

    name = "multiple"
    label = "多选题"

    def _key_reasons(self, options):
        positive = sum(o["weight"] for o in options if o["weight"] > 0)
        if positive <= 0:
            return ["缺少正确答案"]
        if abs(positive - 1.0) > 0.011:
            return [f"正确选项分值之和须为 1（现为 {positive:g}）"]
        if any(o["weight"] < -1 for o in options):
            return ["错误选项的扣分不能超过 1"]
        return []

    def mark(self, content, response, partial=True):
        options = content["options"]
        if not isinstance(response, (list, tuple)):
            return 0.0
        chosen = {r for r in response if isinstance(r, int) and 0 <= r < len(options)}
        if not partial:
            return float(chosen == {i for i, o in enumerate(options) if o["weight"] > 0})
        return _clamp(sum(options[i]["weight"] for i in chosen))

    def public_view(self, content):
        return {"options": [o["text"] for o in content["options"]], "multiple": True}

    def key_text(self, content):
        return "".join(letter(i) for i, o in enumerate(content["options"]) if o["weight"] > 0)


class TrueFalse(QuestionType):
    """判断题. content: ``{"answer": bool, "feedback_true": str, "feedback_false": str}``

    response: bool (True = 正确). public_view: ``{}``.
    """

    name = "truefalse"
    label = "判断题"

    def clean(self, data):
        return {
            "answer": data.get("answer"),
            "feedback_true": _text(data.get("feedback_true")),
            "feedback_false": _text(data.get("feedback_false")),
        }

    def validate(self, content):
        return [] if isinstance(content.get("answer"), bool) else ["缺少答案（应为“正确”或“错误”）"]

    def mark(self, content, response, partial=True):
        return float(isinstance(response, bool) and response == content["answer"])

    def key_text(self, content):
        return "正确" if content["answer"] else "错误"


BLANK = re.compile(r"\{\{(\d+)\}\}")


def stem_for_display(stem: str) -> str:
    """A fill stem with its {{n}} marks shown as numbered blanks, ready for Markdown."""
    return BLANK.sub(lambda m: f"（{m.group(1)}）＿＿＿＿", stem or "")


class Fill(QuestionType):
    """填空题. content: ``{"blanks": [{"answers": [str, ...]}, ...], "case_sensitive": bool}``

    Each blank lists its accepted alternatives. The stem may mark where blank *n* goes with
    ``{{n}}`` (1-based); without markers the blanks follow the stem. Answers are compared
    after normalize_answer (full/half width, spaces, case unless case_sensitive, 《》).
    response: list of str, one per blank. mark(partial=True): share of blanks right.
    public_view: ``{"blanks": n}``.
    """

    name = "fill"
    label = "填空题"

    def clean(self, data):
        blanks = [
            {"answers": [a for a in (_text(x) for x in b.get("answers") or []) if a]}
            for b in data.get("blanks") or []
        ]
        return {"blanks": blanks, "case_sensitive": bool(data.get("case_sensitive"))}

    def validate(self, content):
        blanks = content.get("blanks") or []
        if not blanks:
            return ["填空题至少要有一个空"]
        return [f"第 {i + 1} 空缺少答案" for i, b in enumerate(blanks) if not b["answers"]]

    def mark(self, content, response, partial=True):
        blanks = content["blanks"]
        given = list(response) if isinstance(response, (list, tuple)) else [response]
        right = sum(
            self._blank_right(b, given[i] if i < len(given) else "", content)
            for i, b in enumerate(blanks)
        )
        return right / len(blanks) if partial else float(right == len(blanks))

    def _blank_right(self, blank, answer, content):
        cs = content.get("case_sensitive", False)
        return normalize_answer(answer, cs) in {normalize_answer(a, cs) for a in blank["answers"]}

    def public_view(self, content):
        return {"blanks": len(content["blanks"])}

    def key_text(self, content):
        return "；".join(
            f"({i + 1}) " + " / ".join(b["answers"]) for i, b in enumerate(content["blanks"])
        )


class Numerical(QuestionType):
    """数值题. content: ``{"answers": [answer, ...], "unit": str}``

    Each answer is ``{"value": float, "tolerance": float, "weight": float}`` (accepted within
    value ± tolerance) or ``{"min": float, "max": float, "weight": float}`` (a range); weight
    0..1, at least one answer has weight 1. response: a number or a string typed by a
    person (full-width digits accepted). public_view: ``{"unit": str}``.
    """

    name = "numerical"
    label = "数值题"

    def clean(self, data):
        return {
            "answers": [self._answer(a) for a in data.get("answers") or []],
            "unit": _text(data.get("unit")),
        }

    def _answer(self, a):
        weight = parse_number(a.get("weight"))
        weight = 1.0 if weight is None else round(weight, 6)
        if a.get("min") is not None or a.get("max") is not None:
            return {
                "min": parse_number(a.get("min")),
                "max": parse_number(a.get("max")),
                "weight": weight,
            }
        tolerance = parse_number(a.get("tolerance"))
        return {
            "value": parse_number(a.get("value")),
            "tolerance": abs(tolerance or 0.0),
            "weight": weight,
        }

    def validate(self, content):
        answers = content.get("answers") or []
        reasons = [] if answers else ["缺少答案"]
        for i, a in enumerate(answers, 1):
            reasons += self._answer_reasons(i, a)
        if answers and not any(a["weight"] >= 1 for a in answers):
            reasons.append("至少一个答案须得满分")
        return reasons

    def _answer_reasons(self, i, a):
        if "value" in a:
            return [] if a["value"] is not None else [f"第 {i} 个答案不是数字"]
        if a["min"] is None or a["max"] is None:
            return [f"第 {i} 个答案的范围不完整"]
        return [] if a["min"] <= a["max"] else [f"第 {i} 个答案的下限大于上限"]

    def mark(self, content, response, partial=True):
        number = parse_number(response)
        if number is None:
            return 0.0
        weights = [a["weight"] for a in content["answers"] if self._accepts(a, number)]
        best = _clamp(max(weights, default=0.0))
        return best if partial else float(best >= 1)

    def _accepts(self, a, number):
        if "value" in a:
            return abs(number - a["value"]) <= a["tolerance"] + 1e-9 * max(1.0, abs(a["value"]))
        return a["min"] <= number <= a["max"]

    def public_view(self, content):
        return {"unit": content.get("unit", "")}

    def key_text(self, content):
        parts = [self._answer_text(a) for a in content["answers"] if a["weight"] >= 1]
        return " 或 ".join(parts) + (f" {content['unit']}" if content.get("unit") else "")

    def _answer_text(self, a):
        if "value" in a:
            return f"{a['value']:g}" + (f" ± {a['tolerance']:g}" if a["tolerance"] else "")
        return f"{a['min']:g} ~ {a['max']:g}"


class Matching(QuestionType):
    """匹配题. content: ``{"pairs": [{"left": str, "right": str}, ...], "distractors": [str, ...]}``

    At least two pairs; distractors are extra right-hand choices matching nothing.
    response: list of the chosen right-hand texts, one per pair in stored order (None = blank).
    public_view: ``{"lefts": [str, ...], "choices": [str, ...]}``, choices sorted so their
    order tells nothing.
    """

    name = "matching"
    label = "匹配题"

    def clean(self, data):
        pairs = [
            {"left": _text(p.get("left")), "right": _text(p.get("right"))}
            for p in data.get("pairs") or []
        ]
        distractors = [d for d in (_text(x) for x in data.get("distractors") or []) if d]
        return {"pairs": pairs, "distractors": distractors}

    def validate(self, content):
        pairs = content.get("pairs") or []
        reasons = [] if len(pairs) >= 2 else ["匹配题至少要有两组配对"]
        reasons += [
            f"第 {i} 组配对不完整"
            for i, p in enumerate(pairs, 1)
            if not p["left"] or not p["right"]
        ]
        lefts = [p["left"] for p in pairs]
        if len(set(lefts)) != len(lefts):
            reasons.append("左侧项目有重复")
        return reasons

    def mark(self, content, response, partial=True):
        pairs = content["pairs"]
        given = list(response) if isinstance(response, (list, tuple)) else []
        right = sum(i < len(given) and given[i] == p["right"] for i, p in enumerate(pairs))
        return right / len(pairs) if partial else float(right == len(pairs))

    def public_view(self, content):
        choices = sorted(
            {p["right"] for p in content["pairs"]} | set(content.get("distractors", []))
        )
        return {"lefts": [p["left"] for p in content["pairs"]], "choices": choices}

    def key_text(self, content):
        return "；".join(f"{p['left']} → {p['right']}" for p in content["pairs"])


class Essay(QuestionType):
    """简答题 (graded by hand). content: ``{"reference": str}`` — a reference answer (Markdown)
    shown to graders and after release. response: str. mark() returns None.
    public_view: ``{}``.
    """

    name = "essay"
    label = "简答题"
    is_auto = False

    def clean(self, data):
        return {"reference": _text(data.get("reference"))}

    def mark(self, content, response, partial=True):
        return None

    def key_text(self, content):
        return content.get("reference", "")


class RegistryError(RuntimeError):
    """Two question types claim the same name."""


def build_registry(types: tuple[type[QuestionType], ...]) -> Mapping[str, QuestionType]:
    """Instantiate the types, refusing duplicate or empty names."""
    registry: dict[str, QuestionType] = {}
    for cls in types:
        if not cls.name or cls.name in registry:
            raise RegistryError(f"duplicate or empty question type name: {cls.name!r}")
        registry[cls.name] = cls()
    return MappingProxyType(registry)


TYPES = (SingleChoice, MultipleChoice, TrueFalse, Fill, Numerical, Matching, Essay)
QUESTION_TYPES: Mapping[str, QuestionType] = build_registry(TYPES)
LABELS = {name: t.label for name, t in QUESTION_TYPES.items()}


class UnknownType(KeyError):
    """A question type name nobody registered."""


def get(name: str) -> QuestionType:
    """The type called ``name``; UnknownType otherwise."""
    try:
        return QUESTION_TYPES[name]
    except KeyError:
        raise UnknownType(name) from None


#: said instead of a library's English message when a question's content cannot be read
CONTENT_HINT = "选项、答案或分值的写法不对，请对照导入模板或题型说明修改"


def check(qtype: str, data: Mapping[str, Any]) -> tuple[dict, list[str]]:
    """Clean and validate content of a named type: (content, reasons)."""
    if qtype not in QUESTION_TYPES:
        return {}, [f"未知题型“{qtype}”"]
    t = QUESTION_TYPES[qtype]
    try:
        content = t.clean(data)
    except (TypeError, ValueError, AttributeError) as exc:
        return {}, [f"题目内容格式错误：{in_chinese(exc, CONTENT_HINT)}"]
    return content, t.validate(content)
