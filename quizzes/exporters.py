"""Question file formats out: the Excel template, Moodle XML and GIFT (a registry).

Each exporter takes ``QuestionData`` (services.to_data) and returns an ``Export``: bytes,
a file name suffix, a MIME type, and notes about questions a format cannot carry.
What each format loses is said in its docstring; everything else round-trips through the
matching importer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable, Iterable, Mapping
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from lianbing.host import XLSX, Invalid, log_event, xlsx_bytes
from quizzes import qtypes
from quizzes.importers import FIELD_TAGS
from quizzes.models import Bank
from quizzes.qtypes import LETTERS
from quizzes.services import QuestionData, bank_questions, natural_key, to_data

TEMPLATE_COLUMNS = [
    "编号",
    "题型",
    "题干",
    *[f"选项{x}" for x in LETTERS],
    "答案",
    "解析",
    "法规依据",
    "难度",
    "分类",
    "标签",
]


@dataclass
class Export:
    data: bytes
    suffix: str
    mimetype: str
    notes: list[str] = field(default_factory=list)
    #: questions written (those a format cannot carry are left out, each with a note)
    count: int = 0


class Exporter:
    """Base class: ``export(questions) -> Export``."""

    name = ""
    label = ""

    def export(self, questions: list[QuestionData]) -> Export:
        raise NotImplementedError


def num(x: float) -> str:
    """Shortest text that reads back as the same float ("5", "0.25")."""
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


def percent(weight: float) -> str:
    return num(round(weight * 100, 4))


# --- Excel template ----------------------------------------------------------------


def choice_answer(content: dict, multiple: bool) -> str:
    """Letters when the weights are the plain ones, else "A=0.5 B=0.5 C=-1"."""
    weights = [o["weight"] for o in content["options"]]
    positive = [w for w in weights if w > 0]
    plain = (
        bool(positive)
        and all(w in (0, positive[0]) for w in weights)
        and (multiple or positive == [1.0])
    )
    if plain and abs(positive[0] * len(positive) - 1) < 1e-4:
        return "".join(LETTERS[i] for i, w in enumerate(weights) if w > 0)
    return " ".join(f"{LETTERS[i]}={num(w)}" for i, w in enumerate(weights) if w)


def numeric_answer(a: dict) -> str:
    text = (
        f"{num(a['min'])}~{num(a['max'])}"
        if "min" in a
        else (num(a["value"]) + (f"±{num(a['tolerance'])}" if a["tolerance"] else ""))
    )
    return text + (f"（{percent(a['weight'])}%）" if a["weight"] != 1 else "")


def excel_cells(q: QuestionData) -> tuple[list[str], str]:
    """(option cells, answer cell) of one question."""
    c = q.content
    if q.qtype in ("single", "multiple"):
        return [o["text"] for o in c["options"]], choice_answer(c, q.qtype == "multiple")
    if q.qtype == "truefalse":
        return [], "正确" if c["answer"] else "错误"
    if q.qtype == "fill":
        return [], "；".join("|".join(b["answers"]) for b in c["blanks"])
    if q.qtype == "numerical":
        return [], "；".join(numeric_answer(a) for a in c["answers"])
    if q.qtype == "matching":
        return [f"{p['left']} -> {p['right']}" for p in c["pairs"]] + [
            f"-> {d}" for d in c["distractors"]
        ], ""
    return [], c.get("reference", "")


def excel_row(q: QuestionData) -> list[str]:
    options, answer = excel_cells(q)
    return [
        q.code,
        qtypes.get(q.qtype).label,
        q.stem,
        *(options + [""] * len(LETTERS))[: len(LETTERS)],
        answer,
        q.explanation,
        q.legal_basis,
        q.difficulty,
        q.category,
        "，".join(q.tags),
    ]


TEMPLATE_HELP = [
    (
        "题型",
        "单选题、多选题、判断题、填空题、数值题、匹配题、简答题（也认：单项选择题、多项选择题、是非题、问答题等）",
    ),
    ("题干", "开头的题号（如“12.”“（3）”）会自动去掉；填空题可用 {{1}}、{{2}} 标出空的位置"),
    ("选项A…选项H", "选择题的选项；也可把全部选项写在一列“选项”里：**A.…**B.…"),
    (
        "答案",
        "选择题写字母（如 A 或 ABD），多选题部分得分写 A=0.5 B=0.5 C=-1；"
        "判断题写 正确/错误、对/错、√/×；"
        "填空题各空用“；”分隔，同一空的多个答案用“|”分隔；"
        "数值题写 12.5、12.5±0.5 或 10~20；简答题写参考答案",
    ),
    ("匹配题", "每个选项写“左项 -> 右项”，只写“-> 右项”为干扰项"),
    ("解析、法规依据", "法规依据写法律名称和条款，如《中华人民共和国环境保护法》第五十九条"),
    ("难度", "1（易）到 5（难），留空为 3"),
    ("分类、标签", "分类可多级，用“/”分隔；多个标签用逗号分隔"),
    ("编号", "可留空，系统自动编号；同一题库内不能重复"),
]


class ExcelExporter(Exporter):
    """Our template. Loses per-option feedback and true/false feedback; at most 8 options
    (or matching pairs + distractors) per question."""

    name = "xlsx"
    label = "Excel（可再导入）"

    def export(self, questions):
        notes = [
            f"{q.code}：选项超过 8 个，多出的未导出"
            for q in questions
            if len(excel_cells(q)[0]) > len(LETTERS)
        ]
        rows = [TEMPLATE_COLUMNS, *(_blank_empty(excel_row(q)) for q in questions)]
        data = xlsx_bytes({"题目": rows, "填写说明": [["列", "填写说明"], *TEMPLATE_HELP]})
        return Export(data, ".xlsx", XLSX, notes)


def _blank_empty(row) -> list:
    """Empty strings as empty cells (the host writer keeps text such as "=…" as text)."""
    return [None if value == "" else value for value in row]


# --- Moodle XML ----------------------------------------------------------------------


def text_el(parent: Element, tag: str, text: str, fmt: str | None = None, **attrs) -> Element:
    el = SubElement(parent, tag, **({"format": fmt} if fmt else {}), **attrs)
    SubElement(el, "text").text = text or ""
    return el


def field_tags(q: QuestionData) -> list[str]:
    values = {"legal_basis": q.legal_basis, "difficulty": str(q.difficulty)}
    return list(q.tags) + [prefix + values[name] for prefix, name in FIELD_TAGS if values[name]]


def moodle_choice(el: Element, q: QuestionData) -> None:
    SubElement(el, "single").text = "true" if q.qtype == "single" else "false"
    SubElement(el, "shuffleanswers").text = "true"
    for o in q.content["options"]:
        answer = text_el(el, "answer", o["text"], "markdown", fraction=percent(o["weight"]))
        text_el(answer, "feedback", o.get("feedback", ""), "markdown")


def moodle_truefalse(el: Element, q: QuestionData) -> None:
    for value in (True, False):
        key = "feedback_true" if value else "feedback_false"
        answer = text_el(
            el,
            "answer",
            "true" if value else "false",
            "moodle_auto_format",
            fraction="100" if q.content["answer"] == value else "0",
        )
        text_el(answer, "feedback", q.content.get(key, ""), "markdown")


def moodle_fill(el: Element, q: QuestionData) -> None:
    SubElement(el, "usecase").text = "1" if q.content.get("case_sensitive") else "0"
    for text in q.content["blanks"][0]["answers"]:
        text_el(el, "answer", text, "moodle_auto_format", fraction="100")


def moodle_numerical(el: Element, q: QuestionData) -> None:
    for a in q.content["answers"]:
        value, tolerance = (
            (a["value"], a["tolerance"])
            if "value" in a
            else ((a["min"] + a["max"]) / 2, (a["max"] - a["min"]) / 2)
        )
        answer = text_el(
            el, "answer", num(value), "moodle_auto_format", fraction=percent(a["weight"])
        )
        SubElement(answer, "tolerance").text = num(tolerance)
    if q.content.get("unit"):
        unit = SubElement(SubElement(el, "units"), "unit")
        SubElement(unit, "multiplier").text = "1"
        SubElement(unit, "unit_name").text = q.content["unit"]


def moodle_matching(el: Element, q: QuestionData) -> None:
    pairs = q.content["pairs"] + [{"left": "", "right": d} for d in q.content["distractors"]]
    for p in pairs:
        sub = text_el(el, "subquestion", p["left"], "markdown")
        SubElement(SubElement(sub, "answer"), "text").text = p["right"]


def moodle_essay(el: Element, q: QuestionData) -> None:
    SubElement(el, "responseformat").text = "editor"
    text_el(el, "graderinfo", q.content.get("reference", ""), "markdown")


MOODLE_WRITERS: Mapping[str, tuple[str, Callable[[Element, QuestionData], None]]] = (
    MappingProxyType(
        {
            "single": ("multichoice", moodle_choice),
            "multiple": ("multichoice", moodle_choice),
            "truefalse": ("truefalse", moodle_truefalse),
            "fill": ("shortanswer", moodle_fill),
            "numerical": ("numerical", moodle_numerical),
            "matching": ("matching", moodle_matching),
            "essay": ("essay", moodle_essay),
        }
    )
)


def multi_blank(q: QuestionData) -> bool:
    return q.qtype == "fill" and len(q.content["blanks"]) > 1


def by_category(questions: Iterable[QuestionData]) -> list[QuestionData]:
    return sorted(questions, key=lambda q: (natural_key(q.category), q.code))


class MoodleXmlExporter(Exporter):
    """Moodle XML. Legal basis and difficulty travel as tags ("法规依据:…", "难度:3");
    numerical ranges become value ± tolerance; fill questions with several blanks (cloze in
    Moodle) are left out with a note; the blank mark {{1}} becomes "_____"."""

    name = "moodle-xml"
    label = "Moodle XML"

    def export(self, questions):
        root, notes, category = Element("quiz"), [], None
        for q in by_category(questions):
            if multi_blank(q):
                notes.append(f"{q.code}：多空填空题无法用 Moodle XML 表示，未导出")
                continue
            if q.category != category:
                category = q.category
                text_el(
                    SubElement(root, "question", type="category"),
                    "category",
                    "$course$/top/" + category,
                )
            self.question(root, q)
        indent(root)
        return Export(
            tostring(root, encoding="utf-8", xml_declaration=True), ".xml", "application/xml", notes
        )

    def question(self, root: Element, q: QuestionData) -> None:
        kind, writer = MOODLE_WRITERS[q.qtype]
        el = SubElement(root, "question", type=kind)
        text_el(el, "name", q.code)
        text_el(el, "questiontext", q.stem.replace("{{1}}", "_____"), "markdown")
        text_el(el, "generalfeedback", q.explanation, "markdown")
        SubElement(el, "defaultgrade").text = "1"
        SubElement(el, "idnumber").text = q.code
        writer(el, q)
        tags = SubElement(el, "tags")
        for tag in field_tags(q):
            SubElement(SubElement(tags, "tag"), "text").text = tag


# --- GIFT ---------------------------------------------------------------------------------

GIFT_SPECIAL = "~=#{}:"


def gift_escape(text: str) -> str:
    """Backslash the characters GIFT reserves; newlines as \\n (a blank line ends a question)."""
    text = (text or "").replace("\\", "\\\\")
    for ch in GIFT_SPECIAL:
        text = text.replace(ch, "\\" + ch)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def gift_fb(text: str) -> str:
    return f"#{gift_escape(text)}" if text else ""


def gift_choice(q: QuestionData) -> str:
    parts = []
    for o in q.content["options"]:
        w = o["weight"]
        mark = (
            "="
            if q.qtype == "single" and w == 1
            else ("~" if w == 0 and q.qtype == "single" else f"~%{percent(w)}%")
        )
        parts.append(f"{mark}{gift_escape(o['text'])}{gift_fb(o.get('feedback', ''))}")
    return " ".join(parts)


def gift_truefalse(q: QuestionData) -> str:
    c = q.content
    right, wrong = (
        (c.get("feedback_true", ""), c.get("feedback_false", ""))
        if c["answer"]
        else (c.get("feedback_false", ""), c.get("feedback_true", ""))
    )
    feedback = f"#{gift_escape(wrong)}#{gift_escape(right)}" if (wrong or right) else ""
    return ("TRUE" if c["answer"] else "FALSE") + feedback


def gift_fill(q: QuestionData) -> str:
    return " ".join(f"={gift_escape(a)}" for a in q.content["blanks"][0]["answers"])


def gift_number(a: dict) -> str:
    weight = "" if a["weight"] == 1 else f"%{percent(a['weight'])}%"
    body = (
        f"{num(a['min'])}..{num(a['max'])}"
        if "min" in a
        else f"{num(a['value'])}:{num(a['tolerance'])}"
    )
    return weight + body


def gift_numerical(q: QuestionData) -> str:
    answers = q.content["answers"]
    if len(answers) == 1 and answers[0]["weight"] == 1:
        return "#" + gift_number(answers[0])
    return "#" + " ".join("=" + gift_number(a) for a in answers)


def gift_matching(q: QuestionData) -> str:
    pairs = [f"={gift_escape(p['left'])} -> {gift_escape(p['right'])}" for p in q.content["pairs"]]
    return " ".join(pairs + [f"= -> {gift_escape(d)}" for d in q.content["distractors"]])


def escape_tag(tag: str) -> str:
    return tag.replace("]", "\\]")


GIFT_WRITERS: Mapping[str, Callable[[QuestionData], str]] = MappingProxyType(
    {
        "single": gift_choice,
        "multiple": gift_choice,
        "truefalse": gift_truefalse,
        "fill": gift_fill,
        "numerical": gift_numerical,
        "matching": gift_matching,
        "essay": lambda q: "",
    }
)


class GiftExporter(Exporter):
    """GIFT. Legal basis and difficulty travel as [tag:…] comments; loses the essay reference
    answer, numerical units and case sensitivity; fill questions with several blanks are left
    out with a note."""

    name = "gift"
    label = "GIFT"

    def export(self, questions):
        lines, notes, category = [], [], None
        for q in by_category(questions):
            if multi_blank(q):
                notes.append(f"{q.code}：多空填空题无法用 GIFT 表示，未导出")
                continue
            if q.category != category:
                category = q.category
                lines += [f"$CATEGORY: $course$/top/{category}", ""]
            lines += [*self.question(q), ""]
        return Export("\n".join(lines).encode("utf-8"), ".gift", "text/plain; charset=utf-8", notes)

    def question(self, q: QuestionData) -> list[str]:
        comments = [f"// [id:{q.code}]"]
        tags = " ".join(f"[tag:{escape_tag(t)}]" for t in field_tags(q))
        if tags:
            comments.append(f"// {tags}")
        block = GIFT_WRITERS[q.qtype](q)
        if q.explanation:
            block += f" ####{gift_escape(q.explanation)}"
        stem = gift_escape(q.stem)
        marker = gift_escape("{{1}}")
        body = (
            stem.replace(marker, "{" + block + "}", 1)
            if marker in stem
            else stem + "{" + block + "}"
        )
        return comments + [f"::{gift_escape(q.code)}::[markdown]{body}"]


class AikenExporter(Exporter):
    """Aiken: single-choice questions with one right option only (stem on one line, "A. …"
    options, "ANSWER: B"); every other question is left out with a note."""

    name = "aiken"
    label = "Aiken"

    def export(self, questions):
        lines, notes = [], []
        for q in by_category(questions):
            reason = self.unfit(q)
            if reason:
                notes.append(f"{q.code}：{reason}，Aiken 无法表示，未导出")
                continue
            options = q.content["options"]
            right = next(i for i, o in enumerate(options) if o["weight"] >= 1.0)
            lines.append(" ".join(q.stem.split()))
            lines += [f"{LETTERS[i]}. {' '.join(o['text'].split())}" for i, o in enumerate(options)]
            lines += [f"ANSWER: {LETTERS[right]}", ""]
        return Export("\n".join(lines).encode("utf-8"), ".txt", "text/plain; charset=utf-8", notes)

    @staticmethod
    def unfit(q: QuestionData) -> str:
        if q.qtype != "single":
            return "不是单选题"
        weights = [o["weight"] for o in q.content["options"]]
        if sorted(weights)[-1] < 1.0 or any(0 < w < 1 for w in weights):
            return "含部分得分的选项"
        return ""


class RegistryError(RuntimeError):
    """Two exporters claim the same name."""


def build_registry(exporters: tuple[type[Exporter], ...]) -> Mapping[str, Exporter]:
    registry: dict[str, Exporter] = {}
    for cls in exporters:
        if not cls.name or cls.name in registry:
            raise RegistryError(f"duplicate or empty exporter name: {cls.name!r}")
        registry[cls.name] = cls()
    return MappingProxyType(registry)


EXPORTERS = build_registry((ExcelExporter, MoodleXmlExporter, GiftExporter, AikenExporter))


def export_questions(questions: list[QuestionData], fmt: str) -> Export:
    """Export plain questions in a named format."""
    if fmt not in EXPORTERS:
        raise Invalid(f"未知的导出格式“{fmt}”；可用：{'、'.join(EXPORTERS)}")
    result = EXPORTERS[fmt].export(questions)
    result.count = len(questions) - len(result.notes)
    return result


def export_bank(
    bank: Bank, fmt: str, category_id: int | None = None, *, actor_id: int | None = None
) -> Export:
    """A bank (or one category and those below it) in a named format; logged for the operator."""
    result = export_questions([to_data(q) for q in bank_questions(bank.id, category_id)], fmt)
    log_event(
        "quizzes",
        "bank %r exported as %s (category %s): %d questions, %d left out",
        bank.name,
        fmt,
        category_id or "all",
        result.count,
        len(result.notes),
        actor_id=actor_id,
        target=f"quiz_bank:{bank.id}",
        count=result.count,
    )
    return result


def template() -> bytes:
    """The empty import template (with its help sheet)."""
    return ExcelExporter().export([]).data


def editor_fields(q: QuestionData) -> dict:
    """A question as the editor's fields (options one per line, answer in template syntax)."""
    options, answer = excel_cells(q)
    return {
        "qtype": q.qtype,
        "code": q.code,
        "stem": q.stem,
        "options": "\n".join(options),
        "answer": answer,
        "case_sensitive": q.content.get("case_sensitive", False),
        "unit": q.content.get("unit", ""),
        "explanation": q.explanation,
        "legal_basis": q.legal_basis,
        "difficulty": str(q.difficulty),
        "category": q.category,
        "tags": "，".join(q.tags),
        "is_active": q.is_active,
    }
