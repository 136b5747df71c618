"""Question file formats in: a registry of importers.

Each importer turns the bytes of a file into ``ImportItem``s (a place in the file, a
``QuestionData`` or the reasons it could not be understood); ``import_file`` hands them to
``services.import_items``, which stores all or nothing. File-level problems (unreadable
file, missing columns, unsafe XML) raise ``ImportFileError`` with a Chinese message.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePath
from types import MappingProxyType
from typing import Any, Callable, Mapping
from xml.etree.ElementTree import Element, ParseError

import pandas as pd
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from lianbing.host import Invalid, Refused, check_table_extent, in_chinese, log_event, read_excel
from quizzes import plaintext, qtypes
from quizzes.qtypes import LETTERS
from quizzes.services import ImportItem, ImportReport, QuestionData, import_items


class ImportFileError(Invalid):
    """The file as a whole cannot be read; the message is for people (400)."""


@dataclass
class Parsed:
    items: list[ImportItem]
    notes: list[str] = field(default_factory=list)


class Importer:
    """Base class: ``parse(data, filename) -> Parsed``."""

    name = ""
    label = ""
    suffixes: tuple[str, ...] = ()

    def parse(self, data: bytes, filename: str) -> Parsed:
        raise NotImplementedError


# --- shared text helpers ------------------------------------------------------

CJK = r"\u2e80-\u9fff\u3000-\u303f\uff00-\uffef"
NUMBER_PREFIX = re.compile(
    r"^\s*(?:第\s*\d{1,5}\s*题|[（(]\s*\d{1,5}\s*[)）]|\d{1,5}\s*[.．、:：)）](?!\d))\s*"
)


def cell(value: Any) -> str:
    """A spreadsheet cell as trimmed text ("" for empty or NaN)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def join_lines(text: str) -> str:
    """Single line breaks in a cell are layout, not content: drop them between Chinese characters,
    a space between Latin words; a blank line (a Markdown paragraph break) is kept."""
    return "\n\n".join(_join(p) for p in re.split(r"\r?\n[ \t]*\r?\n\s*", text or "")).strip()


def _join(text: str) -> str:
    text = re.sub(rf"(?<=[{CJK}])[ \t]*\r?\n\s*|[ \t]*\r?\n\s*(?=[{CJK}])", "", text)
    return re.sub(r"\s*\r?\n\s*", " ", text).strip()


def clean_stem(text: str) -> str:
    """Trim, join broken lines and drop a question number at the start ("12." "（3）" "第5题")."""
    return NUMBER_PREFIX.sub("", join_lines(cell(text)), count=1)


def norm_key(text: Any) -> str:
    """Header and synonym lookups ignore width, spaces, case and "*" / "（必填）" marks."""
    s = unicodedata.normalize("NFKC", cell(text))
    s = re.sub(r"\(.*?\)|\*|\s", "", s)
    return s.casefold()


def code_from(title: str) -> str:
    """A usable question code from a title or id ("Moodle activities" -> "Moodle_activities")."""
    code = re.sub(r"[^\w.\-]+", "_", (title or "").strip()).strip("_")
    return code[:60]


# --- spreadsheets (own template and the common Chinese layouts) ---------------------

#: said instead of a library's English message (the reason names what to check)
ITEM_HINT = "题型、选项或答案的写法不对，请对照导入说明和模板修改"
CSV_HINT = "文件格式不对（引号不配对或列数不一致），请用 Excel 另存为“CSV UTF-8”后再上传"

TYPE_SYNONYMS = {
    norm_key(k): v
    for k, v in {
        "单选": "single",
        "单选题": "single",
        "单项选择": "single",
        "单项选择题": "single",
        "选择题": "single",
        "多选": "multiple",
        "多选题": "multiple",
        "多项选择": "multiple",
        "多项选择题": "multiple",
        "不定项选择题": "multiple",
        "判断": "truefalse",
        "判断题": "truefalse",
        "是非题": "truefalse",
        "对错题": "truefalse",
        "填空": "fill",
        "填空题": "fill",
        "数值": "numerical",
        "数值题": "numerical",
        "计算题": "numerical",
        "匹配": "matching",
        "匹配题": "matching",
        "连线题": "matching",
        "简答": "essay",
        "简答题": "essay",
        "问答题": "essay",
        "论述题": "essay",
        "案例分析题": "essay",
        **{name: name for name in qtypes.QUESTION_TYPES},
    }.items()
}

COLUMN_SYNONYMS = {
    "code": ("编号", "题号", "试题编号", "题目编号", "id", "code"),
    "qtype": ("题型", "试题类型", "题目类型", "类型", "type"),
    "stem": ("题干", "题目内容", "题目", "试题内容", "试题", "内容", "问题", "stem"),
    "packed": ("题目选项", "选项", "备选项", "options"),
    "answer": ("答案", "题目答案", "正确答案", "标准答案", "参考答案", "answer"),
    "explanation": ("解析", "答案解析", "试题解析", "题目解析", "explanation"),
    "legal_basis": ("法规依据", "法律依据", "依据", "出处", "legalbasis"),
    "difficulty": ("难度", "难易程度", "difficulty"),
    "category": ("分类", "类别", "章节", "作业种类", "知识点", "category"),
    "tags": ("标签", "tags"),
}
OPTION_COLUMNS = {norm_key(f"{p}{x}"): x for x in LETTERS for p in ("选项", "", "选项 ")} | {
    norm_key(f"{x}选项"): x for x in LETTERS
}
REQUIRED = {"qtype": "题型", "stem": "题干", "answer": "答案"}
#: an option marker: ``A.`` ``A．`` ``A、`` ``A:`` ``A：`` with or without ``**`` before it,
#: anywhere but right after a Latin letter or digit (unpack_options keeps only A, B, C … in turn)
PACKED_OPTION = re.compile(
    r"\*\*\s*([A-Ha-h])\s*[.．:：、]?\s*|(?<![A-Za-z0-9])([A-H])\s*[.．:：、]\s*"
)
DIFFICULTY_WORDS = {
    "容易": 1,
    "易": 1,
    "较易": 2,
    "中": 3,
    "中等": 3,
    "一般": 3,
    "较难": 4,
    "难": 5,
    "困难": 5,
}
TRUE_WORDS = {norm_key(w) for w in ("对", "正确", "是", "√", "✓", "✔", "T", "TRUE", "Y", "YES")}
FALSE_WORDS = {
    norm_key(w)
    for w in (
        "错",
        "错误",
        "不正确",
        "否",
        "非",
        "×",
        "✗",
        "✘",
        "❌",
        "✖",
        "X",
        "F",
        "FALSE",
        "N",
        "NO",
    )
}


def map_columns(columns: list[Any]) -> dict[str, Any]:
    """Our field name (or an option letter) -> the file's column; raises on missing columns."""
    lookup = {norm_key(s): f for f, names in COLUMN_SYNONYMS.items() for s in names}
    found: dict[str, Any] = {}
    for col in columns:
        key = norm_key(col)
        target = OPTION_COLUMNS.get(key) or lookup.get(key)
        if target and target not in found:
            found[target] = col
    missing = [label for f, label in REQUIRED.items() if f not in found]
    if missing:
        raise ImportFileError(
            f"缺少必需的列：{'、'.join(missing)}。"
            f"文件中的列：{'、'.join(map(str, columns)) or '（无）'}。"
            "请使用导入模板（题型、题干、选项A…选项H、答案、解析、法规依据、难度、分类、标签）。"
        )
    return found


HEADER_SEARCH_ROWS = 10


def find_header(df: pd.DataFrame) -> tuple[int, dict[str, Any]]:
    """The header row (a title line above it is common) and its column mapping."""
    first_error = None
    for index in range(min(HEADER_SEARCH_ROWS, len(df))):
        try:
            return index, map_columns(list(df.iloc[index]))
        except ImportFileError as exc:
            first_error = first_error or exc
    raise first_error or ImportFileError("文件是空的，没有找到表头和题目。")


def frame_items(df: pd.DataFrame) -> list[ImportItem]:
    """Rows of a sheet read without a header (header found in the first rows) to import items."""
    header, columns = find_header(df)
    positions = {f: list(df.iloc[header]).index(col) for f, col in columns.items()}
    items = []
    for n, values in enumerate(
        df.iloc[header + 1 :].itertuples(index=False, name=None), header + 2
    ):
        row = {f: cell(values[i]) for f, i in positions.items()}
        if any(row.values()):
            items.append(row_item(row, f"第 {n} 行"))
    return items


def row_item(row: dict[str, str], place: str) -> ImportItem:
    """One spreadsheet row to an import item (with reasons when it cannot be understood)."""
    qtype = TYPE_SYNONYMS.get(norm_key(row.get("qtype")))
    if not qtype:
        known = "单选题、多选题、判断题、填空题、数值题、匹配题、简答题"
        given = row.get("qtype", "")
        return ImportItem(
            place, reasons=[f"{f'未知题型“{given}”' if given else '缺少题型'}（可用：{known}）"]
        )
    reasons: list[str] = []
    options = row_options(row)
    content = BUILDERS[qtype](options, row.get("answer", ""), reasons)
    data = QuestionData(
        qtype=qtype,
        stem=clean_stem(row.get("stem", "")),
        content=content,
        code=row.get("code", ""),
        explanation=row.get("explanation", ""),
        legal_basis=join_lines(row.get("legal_basis", "")),
        tags=[row.get("tags", "")],
        category=row.get("category", ""),
        difficulty=difficulty(row.get("difficulty", ""), reasons),
    )
    return ImportItem(place, data=data, reasons=reasons)


def row_options(row: dict[str, str]) -> list[str]:
    """Options from columns 选项A…选项H, or unpacked from one cell ("**A.…**B.…")."""
    columns = [row.get(x, "") for x in LETTERS]
    while columns and not columns[-1]:
        columns.pop()
    if columns:
        return [join_lines(c) for c in columns]
    return unpack_options(row.get("packed", ""))


def unpack_options(text: str) -> list[str]:
    """ "**A.正确**B：错误" -> ["正确", "错误"]; also one option per line ("A、…"), or packed
    without "**" ("…等D:没有任何要求"). Only markers in letter order count (A, then B …), so a
    "C." inside an option's text does not split it."""
    marks, expected = [], 0
    for m in PACKED_OPTION.finditer(text or ""):
        if (m.group(1) or m.group(2)).upper() == LETTERS[expected]:
            marks.append(m)
            expected += 1
            if expected == len(LETTERS):
                break
    if not marks:
        return [join_lines(text)] if (text or "").strip() else []
    ends = [m.start() for m in marks[1:]] + [len(text)]
    return [
        join_lines(text[m.end() : end].strip().rstrip("*").strip()) for m, end in zip(marks, ends)
    ]


def difficulty(text: str, reasons: list[str]) -> int:
    if not text:
        return 3
    if text in DIFFICULTY_WORDS:
        return DIFFICULTY_WORDS[text]
    number = qtypes.parse_number(text)
    if number is None or number != int(number) or not 1 <= number <= 5:
        reasons.append(f"难度“{text}”无效（应为 1 到 5）")
        return 3
    return int(number)


def answer_letters(answer: str, count: int, reasons: list[str]) -> list[int]:
    """ "A、C" / "ac" / "ＡＣ" -> [0, 2]; letters beyond the options are reported."""
    letters = re.sub(r"[\s,，、;；/|]", "", unicodedata.normalize("NFKC", answer)).upper()
    if not letters:
        reasons.append("答案为空")
        return []
    bad = [ch for ch in letters if ch not in LETTERS[:count]]
    if bad:
        reasons.append(
            f"答案“{answer}”中的 {'、'.join(dict.fromkeys(bad))} 超出选项范围（共 {count} 个选项）"
        )
        return []
    return sorted({LETTERS.index(ch) for ch in letters})


WEIGHTED = re.compile(r"([A-Ha-h])\s*[=:：]\s*(-?[\d.]+)")


def choice_content(options: list[str], answer: str, reasons: list[str], multiple: bool) -> dict:
    """Options with weights from letters ("ABD") or explicit weights ("A=0.5 B=0.5 C=-1")."""
    if not options:
        reasons.append("缺少选项")
    weights = [0.0] * len(options)
    if WEIGHTED.search(answer or ""):
        for ch, value in WEIGHTED.findall(answer):
            index = LETTERS.index(ch.upper())
            if index >= len(options):
                reasons.append(f"答案中的 {ch.upper()} 超出选项范围（共 {len(options)} 个选项）")
                continue
            weights[index] = float(value)
    else:
        letters = answer_letters(answer, len(options), reasons)
        if not multiple and len(letters) > 1:
            reasons.append(f"单选题只能有一个答案（现为“{answer}”）")
        for i in letters:
            weights[i] = 1.0 / len(letters)
    return {"options": [{"text": t, "weight": w} for t, w in zip(options, weights)]}


def truth(text: str) -> bool | None:
    key = norm_key(text)
    return True if key in TRUE_WORDS else False if key in FALSE_WORDS else None


def truefalse_content(options: list[str], answer: str, reasons: list[str]) -> dict:
    """对/错/正确/错误/√/× directly, or a letter naming the option "正确"/"错误"."""
    value = truth(answer)
    letter = norm_key(answer).upper()
    if value is None and len(letter) == 1 and letter in LETTERS:
        index = LETTERS.index(letter)
        if index >= (len(options) or 2):
            reasons.append(f"答案“{answer}”超出选项范围（共 {len(options)} 个选项）")
            return {"answer": None}
        value = truth(options[index]) if options else index == 0
    if value is None and not reasons:
        reasons.append(
            "答案为空"
            if not answer
            else f"判断题答案“{answer}”无法识别（应为 对/错、正确/错误、√/× 或选项字母）"
        )
    return {"answer": value}


def fill_content(options: list[str], answer: str, reasons: list[str]) -> dict:
    """Blanks separated by "；" in 答案, alternatives by "|" (or one blank per option column)."""
    blanks = [b for b in re.split(r"[;；]", answer or "") if b.strip()] or options
    return {
        "blanks": [
            {"answers": [a.strip() for a in re.split(r"[|｜]", b) if a.strip()]} for b in blanks
        ]
    }


NUMERIC_ANSWER = re.compile(
    r"^(?P<a>[^~～]+?)(?:\s*(?:~|～|\.\.)\s*(?P<b>[^(（]+?))?"
    r"(?:\s*[±]\s*(?P<tol>[^(（]+?))?\s*(?:[(（]\s*(?P<w>[\d.]+)\s*%\s*[)）])?$"
)


def numerical_content(options: list[str], answer: str, reasons: list[str]) -> dict:
    """ "12.5" / "12.5±0.5" / "10~20" / several separated by "；", a partial one as "30（50%）"."""
    answers = []
    for part in [p.strip() for p in re.split(r"[;；]", answer or "") if p.strip()]:
        m = NUMERIC_ANSWER.match(unicodedata.normalize("NFKC", part).replace("+-", "±"))
        weight = float(m["w"]) / 100 if m and m["w"] else 1.0
        if m and m["b"]:
            answers.append({"min": m["a"], "max": m["b"], "weight": weight})
        elif m:
            answers.append({"value": m["a"], "tolerance": m["tol"] or 0, "weight": weight})
    if not answers:
        reasons.append("答案为空" if not answer else f"数值答案“{answer}”无法识别")
    return {"answers": answers, "unit": ""}


PAIR = re.compile(r"\s*(?:->|→|=>)\s*")


def matching_content(options: list[str], answer: str, reasons: list[str]) -> dict:
    """Each option cell is "左项 -> 右项"; "-> 右项" alone is a distractor."""
    pairs, distractors = [], []
    for i, text in enumerate(options):
        bits = PAIR.split(text, maxsplit=1)
        if len(bits) != 2:
            reasons.append(f"选项{LETTERS[i]}“{text}”应写成“左项 -> 右项”")
        elif bits[0]:
            pairs.append({"left": bits[0], "right": bits[1]})
        else:
            distractors.append(bits[1])
    return {"pairs": pairs, "distractors": distractors}


BUILDERS: Mapping[str, Callable[[list[str], str, list[str]], dict]] = MappingProxyType(
    {
        "single": lambda o, a, r: choice_content(o, a, r, multiple=False),
        "multiple": lambda o, a, r: choice_content(o, a, r, multiple=True),
        "truefalse": truefalse_content,
        "fill": fill_content,
        "numerical": numerical_content,
        "matching": matching_content,
        "essay": lambda o, a, r: {"reference": a},
    }
)


class ExcelImporter(Importer):
    name = "xlsx"
    label = "Excel（.xlsx）"
    suffixes = (".xlsx", ".xlsm")

    def parse(self, data, filename):
        try:  # bounded: lianbing/files/limits.py checks the archive before parsing
            df = read_excel(
                data,
                f"Excel 文件 {filename}",
                sheet_name=0,
                dtype=str,
                keep_default_na=False,
                header=None,
            )
        except Refused as exc:
            raise ImportFileError(str(exc), status=exc.status) from None
        return Parsed(frame_items(df))


ENCODINGS = (("utf-8-sig", ""), ("gb18030", "文件为 GBK/GB18030 编码，已自动识别。"))


def decode_text(data: bytes, filename: str) -> tuple[str, str]:
    """UTF-8 (with or without BOM) or GBK; otherwise say so."""
    for encoding, note in ENCODINGS:
        try:
            return data.decode(encoding), note
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        f"无法识别文件 {filename} 的编码（支持 UTF-8 和 GBK），请另存为 UTF-8 编码后重试。"
    )


def delimiter(text: str) -> str:
    """Comma, unless the header rows are tab- or semicolon-separated."""
    head = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    return max(",\t;", key=head.count)


def csv_frame(text: str) -> pd.DataFrame:
    """All cells as text, rows padded to the longest, no header assumed."""
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter(text)))
    width = max((len(r) for r in rows), default=0)
    check_table_extent(len(rows), width, "CSV 文件")  # the same bounds as a workbook
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=str)


class CsvImporter(Importer):
    name = "csv"
    label = "CSV（UTF-8 或 GBK）"
    suffixes = (".csv",)

    def parse(self, data, filename):
        text, note = decode_text(data, filename)
        try:
            df = csv_frame(text)
        except csv.Error as exc:
            raise ImportFileError(
                f"无法读取 CSV 文件 {filename}：{in_chinese(exc, CSV_HINT)}"
            ) from exc
        except Refused as exc:  # beyond the table bounds
            raise ImportFileError(str(exc)) from None
        return Parsed(frame_items(df), [note] if note else [])


# --- Moodle XML ------------------------------------------------------------------------

MOODLE_UNSUPPORTED_HINT = (
    "（平台支持：multichoice、truefalse、shortanswer、numerical、matching、essay）"
)


def xml_root(data: bytes) -> Element:
    """Parse with defusedxml: no DTDs, entities or external references."""
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ImportFileError(
            "XML 文件含有 DTD 或实体声明（可能是外部实体或“实体膨胀”攻击），出于安全原因拒绝导入。"
        ) from exc
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise ImportFileError(
            f"XML 格式错误（第 {line} 行第 {column} 列）：文件不完整或已损坏。"
        ) from exc


def xtext(el: Element | None, path: str = "text") -> str:
    found = el.find(path) if el is not None else None
    return (found.text or "").strip() if found is not None else ""


def fraction(el: Element) -> float:
    return float(el.get("fraction") or 0) / 100


def moodle_category(text: str) -> str:
    """ "$course$/top/Default for C1/法律" -> "Default for C1/法律"."""
    parts = [p for p in text.split("/") if p and not re.fullmatch(r"\$\w+\$", p)]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return "/".join(parts)


def moodle_choice(q: Element, notes: list[str]) -> tuple[str, dict]:
    options = [
        {"text": xtext(a), "weight": fraction(a), "feedback": xtext(a.find("feedback"))}
        for a in q.findall("answer")
    ]
    single = xtext(q, "single").lower() not in ("false", "0")
    full = sum(o["weight"] >= 0.999 for o in options)
    if single and full > 1:
        notes.append("Moodle 单选题有多个满分选项，已按多选题导入")
        single = False
    if single:
        for o in options:
            o["weight"] = 1.0 if o["weight"] >= 0.999 else o["weight"]
    return ("single" if single else "multiple"), {"options": options}


def moodle_truefalse(q: Element, notes: list[str]) -> tuple[str, dict]:
    content: dict[str, Any] = {"answer": None}
    for a in q.findall("answer"):
        value = xtext(a).lower() == "true"
        content["feedback_true" if value else "feedback_false"] = xtext(a.find("feedback"))
        if fraction(a) >= 0.999:
            content["answer"] = value
    return "truefalse", content


BLANK_RUN = re.compile(r"_{3,}")


def moodle_shortanswer(q: Element, notes: list[str]) -> tuple[str, dict]:
    answers = []
    for a in q.findall("answer"):
        if fraction(a) >= 0.999:
            answers.append(xtext(a))
        else:
            notes.append(f"部分得分或通配答案“{xtext(a)}”（{fraction(a):.0%}）未导入")
    return "fill", {"blanks": [{"answers": answers}], "case_sensitive": xtext(q, "usecase") == "1"}


def moodle_numerical(q: Element, notes: list[str]) -> tuple[str, dict]:
    answers = [
        {"value": xtext(a), "tolerance": xtext(a, "tolerance") or 0, "weight": fraction(a)}
        for a in q.findall("answer")
    ]
    return "numerical", {"answers": answers, "unit": xtext(q, "units/unit/unit_name")}


def moodle_matching(q: Element, notes: list[str]) -> tuple[str, dict]:
    pairs, distractors = [], []
    for sub in q.findall("subquestion"):
        left, right = xtext(sub), xtext(sub, "answer/text")
        if left:
            pairs.append({"left": left, "right": right})
        else:
            distractors.append(right)
    return "matching", {"pairs": pairs, "distractors": distractors}


def moodle_essay(q: Element, notes: list[str]) -> tuple[str, dict]:
    return "essay", {"reference": xtext(q, "graderinfo/text")}


MOODLE_TYPES = MappingProxyType(
    {
        "multichoice": moodle_choice,
        "truefalse": moodle_truefalse,
        "shortanswer": moodle_shortanswer,
        "numerical": moodle_numerical,
        "matching": moodle_matching,
        "essay": moodle_essay,
    }
)
#: Moodle tags carrying our own fields (written by the Moodle XML and GIFT exporters)
FIELD_TAGS = (("法规依据:", "legal_basis"), ("难度:", "difficulty"))


def split_field_tags(tags: list[str]) -> tuple[list[str], dict[str, str]]:
    """Tags like "法规依据:《…》第五条" become fields; the rest stay tags."""
    plain, fields = [], {}
    for tag in tags:
        for prefix, name in FIELD_TAGS:
            if tag.startswith(prefix):
                fields[name] = tag[len(prefix) :].strip()
                break
        else:
            plain.append(tag)
    return plain, fields


def with_fields(data: QuestionData, tags: list[str], reasons: list[str]) -> QuestionData:
    plain, fields = split_field_tags(tags)
    data.tags = plain
    data.legal_basis = fields.get("legal_basis", data.legal_basis)
    if "difficulty" in fields:
        data.difficulty = difficulty(fields["difficulty"], reasons)
    return data


class MoodleXmlImporter(Importer):
    name = "moodle-xml"
    label = "Moodle XML"
    suffixes = (".xml",)

    def parse(self, data, filename):
        root = xml_root(data)
        if root.tag != "quiz":
            raise ImportFileError(
                f"不是 Moodle XML 题目文件：根元素应为 <quiz>，实际为 <{root.tag}>。"
            )
        items, category = [], ""
        for n, q in enumerate(root.findall("question"), 1):
            if q.get("type") == "category":
                category = moodle_category(xtext(q, "category/text"))
                continue
            items.append(self.element(q, n, category))
        return Parsed(items)

    def element(self, q: Element, n: int, category: str) -> ImportItem:
        kind, name = q.get("type") or "", xtext(q, "name/text")
        place = f"第 {n} 个 <question>" + (f"（{name}）" if name else "")
        if kind == "description":
            return ImportItem(place, note="说明文字（description），不是题目，已跳过")
        if kind not in MOODLE_TYPES:
            return ImportItem(
                place, reasons=[f"不支持的 Moodle 题型“{kind}”{MOODLE_UNSUPPORTED_HINT}"]
            )
        try:
            return self.question(q, kind, name, place, category)
        except (TypeError, ValueError, AttributeError) as exc:
            return ImportItem(place, reasons=[f"无法解析该题：{in_chinese(exc, ITEM_HINT)}"])

    def question(self, q: Element, kind: str, name: str, place: str, category: str) -> ImportItem:
        notes: list[str] = []
        qtype, content = MOODLE_TYPES[kind](q, notes)
        stem = xtext(q, "questiontext/text")
        if qtype == "fill":
            stem = BLANK_RUN.sub("{{1}}", stem, count=1)
        files = [f.get("name") or "?" for f in q.iter("file")]
        if files:
            notes.append(f"附件 {'、'.join(files)} 未导入（题库不保存题目附件）")
        reasons: list[str] = []
        data = QuestionData(
            qtype=qtype,
            stem=stem,
            content=content,
            code=code_from(xtext(q, "idnumber") or name),
            explanation=xtext(q, "generalfeedback/text"),
            category=category,
        )
        data = with_fields(
            data, [t.text.strip() for t in q.findall("tags/tag/text") if t.text], reasons
        )
        named = not xtext(q, "idnumber") and bool(name)
        return ImportItem(
            place, data=data, reasons=reasons, note="；".join(notes), code_is_name=named
        )


# --- GIFT (as Moodle's qformat_gift reads it) ------------------------------------------------

ESCAPES = {
    "\\\\": "\ue000",
    "\\:": "\ue001",
    "\\#": "\ue002",
    "\\=": "\ue003",
    "\\{": "\ue004",
    "\\}": "\ue005",
    "\\~": "\ue006",
    "\\n": "\n",
}
UNESCAPE = {v: k[1] for k, v in ESCAPES.items() if k != "\\n"}
FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]")
WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")


def gift_escape_in(text: str) -> str:
    for raw, mark in ESCAPES.items():
        text = text.replace(raw, mark)
    return text


def gift_restore(text: str) -> str:
    """Put escaped characters back."""
    for mark, char in UNESCAPE.items():
        text = text.replace(mark, char)
    return text


def gift_out(text: str) -> str:
    """Drop a [format] mark, restore escaped characters and trim."""
    return gift_restore(FORMAT.sub("", text or "")).strip()


def gift_blocks(text: str) -> list[tuple[int, list[str]]]:
    """Questions are separated by blank lines: (first line number, lines)."""
    blocks, current, start = [], [], 0
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def split_feedback(text: str) -> tuple[str, str]:
    """ "answer#feedback" -> (answer, feedback)."""
    answer, _, feedback = text.partition("#")
    return gift_out(answer), gift_out(feedback)


def weight_of(text: str, default: float) -> tuple[float, str]:
    m = WEIGHT.match(text.strip())
    if m:
        return float(m.group(1)) / 100, text.strip()[m.end() :]
    return default, text


def gift_choice(answer: str, notes: list[str]) -> tuple[str, dict]:
    options = []
    for part in [p for p in answer.replace("=", "~=").split("~") if p.strip()]:
        part = part.strip()
        if part.startswith("="):
            weight, body = weight_of(part[1:], 1.0)
        else:
            weight, body = weight_of(part, 0.0)
        text, feedback = split_feedback(body)
        options.append({"text": text, "weight": weight, "feedback": feedback})
    full = sum(o["weight"] >= 0.999 for o in options)
    if "=" not in answer or full > 1:
        if full > 1:
            for o in options:
                o["weight"] = 1 / full if o["weight"] >= 0.999 else o["weight"]
        return "multiple", {"options": options}
    return "single", {"options": options}


def gift_matching(answer: str, notes: list[str]) -> tuple[str, dict]:
    pairs, distractors = [], []
    for part in [p for p in answer.split("=") if p.strip()]:
        left, _, right = part.partition("->")
        left, right = gift_out(left), gift_out(right)
        if left:
            pairs.append({"left": left, "right": right})
        else:
            distractors.append(right)
    return "matching", {"pairs": pairs, "distractors": distractors}


def gift_truefalse(answer: str, notes: list[str]) -> tuple[str, dict]:
    value, _, comment = answer.partition("#")
    wrong, _, right = comment.partition("#")
    is_true = value.strip().upper() in ("T", "TRUE")
    wrong, right = gift_out(wrong), gift_out(right)
    return "truefalse", {
        "answer": is_true,
        "feedback_true": right if is_true else wrong,
        "feedback_false": wrong if is_true else right,
    }


def gift_short(answer: str, notes: list[str]) -> tuple[str, dict]:
    accepted = []
    for part in [p for p in answer.split("=") if p.strip()]:
        weight, body = weight_of(part, 1.0)
        text, _ = split_feedback(body)
        if weight >= 0.999:
            accepted.append(text)
        else:
            notes.append(f"部分得分或通配答案“{text}”（{weight:.0%}）未导入")
    return "fill", {"blanks": [{"answers": accepted}]}


def gift_numerical(answer: str, notes: list[str]) -> tuple[str, dict]:
    body = answer[1:]
    parts = [p for p in body.split("=") if p.strip()] if "=" in body else [body]
    answers = [gift_number(p) for p in parts]
    return "numerical", {"answers": answers, "unit": ""}


def gift_number(part: str) -> dict:
    weight, body = weight_of(part, 1.0)
    text, _ = split_feedback(body)
    if ".." in text:
        low, _, high = text.partition("..")
        return {"min": low, "max": high, "weight": weight}
    value, _, tolerance = text.partition(":")
    return {"value": value, "tolerance": tolerance or 0, "weight": weight}


def gift_kind(answer: str) -> Callable[[str, list[str]], tuple[str, dict]] | None:
    """Moodle's order of tests on the answer block; None for an essay."""
    if not answer:
        return None
    if answer.startswith("#"):
        return gift_numerical
    if "~" in answer:
        return gift_choice
    if "=" in answer and "->" in answer:
        return gift_matching
    if answer.partition("#")[0].strip().upper() in ("T", "TRUE", "F", "FALSE"):
        return gift_truefalse
    return gift_short


ID_TAG = re.compile(r"\[id:((?:\\]|[^\]])+)\]")
TAG = re.compile(r"\[tag:((?:\\]|[^\]])+)\]")
TITLE = re.compile(r"^::(.*?)::", re.S)


@dataclass
class GiftBlock:
    """One question's text with its comments removed and escapes replaced."""

    place: str
    text: str
    comments: str


class GiftImporter(Importer):
    name = "gift"
    label = "GIFT"
    suffixes = (".gift", ".txt")

    def parse(self, data, filename):
        text, note = decode_text(data, filename)
        items, category = [], ""
        for n, (line, lines) in enumerate(gift_blocks(text), 1):
            block = self.block(n, line, lines)
            if block.text.startswith("$CATEGORY:"):
                category = moodle_category(gift_out(block.text[len("$CATEGORY:") :]))
            elif block.text:
                items.append(self.item(block, category))
        return Parsed(items, [note] if note else [])

    def block(self, n: int, line: int, lines: list[str]) -> GiftBlock:
        comments = "\n".join(x for x in lines if x.lstrip().startswith("//"))
        body = "\n".join(x for x in lines if not x.lstrip().startswith("//")).strip()
        return GiftBlock(f"第 {n} 题（第 {line} 行起）", gift_escape_in(body), comments)

    def item(self, block: GiftBlock, category: str) -> ImportItem:
        try:
            return self.question(block, category)
        except (TypeError, ValueError, AttributeError, IndexError) as exc:
            return ImportItem(block.place, reasons=[f"无法解析该题：{in_chinese(exc, ITEM_HINT)}"])

    def question(self, block: GiftBlock, category: str) -> ImportItem:
        text, title = block.text, ""
        m = TITLE.match(text)
        if m:
            title, text = gift_out(m.group(1)), text[m.end() :]
        start = text.find("{")
        if start < 0:
            return ImportItem(block.place, note="说明文字（没有答案部分），不是题目，已跳过")
        finish = text.find("}", start)
        if finish < 0:
            return ImportItem(block.place, reasons=["缺少右花括号“}”，答案部分不完整"])
        return self.with_answer(block, category, title, text, start, finish)

    def with_answer(self, block, category, title, text, start, finish) -> ImportItem:
        answer, general = text[start + 1 : finish].strip(), ""
        if "####" in answer:
            answer, _, general = answer.rpartition("####")
            answer = answer.strip()
        before, after = text[:start], text[finish + 1 :]
        kind, notes = gift_kind(answer), []
        qtype, content = kind(answer, notes) if kind else ("essay", {"reference": ""})
        marker = "{{1}}" if qtype == "fill" else "_____"
        stem = gift_restore(FORMAT.sub("", before)) + (
            marker + gift_restore(after) if after.strip() else ""
        )
        return self.finish(
            block,
            category,
            title,
            QuestionData(
                qtype=qtype, stem=stem.strip(), content=content, explanation=gift_out(general)
            ),
            notes,
        )

    def finish(self, block, category, title, data: QuestionData, notes: list[str]) -> ImportItem:
        reasons: list[str] = []
        ident = ID_TAG.search(block.comments)
        data.code = code_from(ident.group(1) if ident else title)
        data.category = category
        data = with_fields(
            data, [t.replace("\\]", "]") for t in TAG.findall(block.comments)], reasons
        )
        return ImportItem(
            block.place, data=data, reasons=reasons, note="；".join(notes), code_is_name=not ident
        )


# --- Aiken -----------------------------------------------------------------------------

AIKEN_OPTION = re.compile(r"^([A-Z])\s*[.)、．]\s*(.*)$")
AIKEN_ANSWER = re.compile(r"^ANSWER\s*[:：]\s*(\S*)\s*$", re.I)


class AikenImporter(Importer):
    name = "aiken"
    label = "Aiken"
    suffixes = (".txt",)

    def parse(self, data, filename):
        text, note = decode_text(data, filename)
        items, stem, options, start, n = [], [], [], 0, 0
        for number, line in enumerate(text.splitlines(), 1):
            line = line.strip()
            if not line:
                continue
            answer, option = AIKEN_ANSWER.match(line), AIKEN_OPTION.match(line)
            if answer:
                n += 1
                items.append(
                    self.item(f"第 {n} 题（第 {start} 行起）", stem, options, answer.group(1))
                )
                stem, options = [], []
            elif option and stem:
                options.append(option.group(2))
            else:
                start = start if stem else number
                stem.append(line)
        if stem or options:
            items.append(
                ImportItem(f"第 {n + 1} 题（第 {start} 行起）", reasons=["缺少“ANSWER:”行"])
            )
        return Parsed(items, [note] if note else [])

    def item(self, place: str, stem: list[str], options: list[str], answer: str) -> ImportItem:
        reasons: list[str] = []
        if not stem:
            reasons.append("缺少题干")
        content = choice_content(options, answer, reasons, multiple=False)
        return ImportItem(
            place,
            data=QuestionData(qtype="single", stem="\n".join(stem), content=content),
            reasons=reasons,
        )


# --- registry and entry point ------------------------------------------------------------


# --- plain Word/text question lists -------------------------------------------------------

PLAIN_KINDS = {"single": "单选题", "multiple": "多选题", "truefalse": "判断题", "fill": "填空题"}


class PlainTextImporter(Importer):
    """Numbered question lists from Word (.docx) or plain text (quizzes.plaintext reads them)."""

    name = "plain"
    label = "Word/文本题目列表"
    suffixes = (".docx",)

    def parse(self, data, filename):
        note = ""
        if PurePath(filename or "").suffix.lower() == ".docx":
            try:
                text = plaintext.docx_text(data)
            except Exception:  # python-docx raises many kinds on a damaged file
                raise ImportFileError(
                    "无法读取 Word 文件：文件已损坏或不是 .docx 格式。"
                    "请用 Word 打开后另存为 .docx 再上传。"
                ) from None
        else:
            text, note = decode_text(data, filename)
        items = [self.item(r) for r in plaintext.read(text)]
        return Parsed(items, [note] if note else [])

    def item(self, record: plaintext.Raw) -> ImportItem:
        stem, answer = plaintext.answer_from_stem(record)
        kind = plaintext.kind_of(record, answer)
        if not kind:
            return ImportItem(record.place, reasons=["没有识别出选项，也不是判断题，无法确定题型"])
        row = {
            "qtype": PLAIN_KINDS[kind],
            "stem": stem,
            "answer": answer,
            "explanation": "\n\n".join(record.explanation),
            "category": record.category,
            **dict(zip(LETTERS, record.options)),
        }
        return row_item(row, record.place)


class RegistryError(RuntimeError):
    """Two importers claim the same name."""


def build_registry(importers: tuple[type[Importer], ...]) -> Mapping[str, Importer]:
    registry: dict[str, Importer] = {}
    for cls in importers:
        if not cls.name or cls.name in registry:
            raise RegistryError(f"duplicate or empty importer name: {cls.name!r}")
        registry[cls.name] = cls()
    return MappingProxyType(registry)


IMPORTERS = build_registry(
    (ExcelImporter, CsvImporter, MoodleXmlImporter, GiftImporter, AikenImporter, PlainTextImporter)
)
FORMAT_CHOICES = ("auto", *IMPORTERS)
UPLOAD_SUFFIXES = {".xlsx", ".xls", ".csv", ".xml", ".gift", ".txt", ".docx"}


def guess_text_format(data: bytes) -> str:
    """Aiken, a numbered Chinese question list, or GIFT, from the content of a text file."""
    head = data[:20000].decode("utf-8", "ignore") or data[:20000].decode("gb18030", "ignore")
    if re.search(r"^ANSWER\s*[:：]", head, re.M | re.I) and "{" not in head:
        return "aiken"
    gift = re.search(r"\{[^{}]*[=~#TF][^{}]*\}", head) or re.search(r"^\s*::", head, re.M)
    if not gift and plaintext.looks_plain(head):
        return "plain"
    return "gift"


def detect_format(filename: str, data: bytes) -> str:
    """The importer for a file, from its suffix (and, for .txt, whether it looks like Aiken)."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".xls":
        raise ImportFileError(
            "旧版 Excel（.xls）文件无法直接导入，请在 Excel 或 WPS 中另存为 .xlsx 后再导入。"
        )
    if suffix in (".txt", ""):
        return guess_text_format(data)
    for name, importer in IMPORTERS.items():
        if suffix in importer.suffixes:
            return name
    raise ImportFileError(
        f"无法从扩展名“{suffix or '（无）'}”判断文件格式；"
        "支持 .xlsx、.csv、.xml（Moodle）、.gift、.txt（Aiken/GIFT）。"
    )


def read_file(
    bank: str, filename: str, data: bytes, fmt: str = "auto", *, user_id: int | None = None
) -> tuple[str, Parsed]:
    """``parse_file`` for an import into ``bank``: an unreadable file is logged, then raised."""
    try:
        return parse_file(filename, data, fmt)
    except ImportFileError as exc:
        log_event(
            "quizzes",
            "bank import into %r refused, file %r unreadable: %s",
            bank,
            filename,
            exc,
            actor_id=user_id,
            target=f"quiz_bank:{bank}",
            count=0,
        )
        raise


def import_file(
    bank: str,
    filename: str,
    data: bytes,
    fmt: str = "auto",
    *,
    skip_invalid: bool = False,
    user_id: int | None = None,
    visibility: str | None = None,
    owner_bureau_id: int | None = None,
) -> ImportReport:
    """Parse a file and import it into the named bank (created when needed): all or nothing.
    The bank is the city's of that name, or ``owner_bureau_id``'s own."""
    fmt, parsed = read_file(bank, filename, data, fmt, user_id=user_id)
    report = import_items(
        bank,
        parsed.items,
        skip_invalid=skip_invalid,
        fmt=fmt,
        user_id=user_id,
        visibility=visibility,
        owner_bureau_id=owner_bureau_id,
    )
    report.notes += parsed.notes
    return report


def parse_file(filename: str, data: bytes, fmt: str = "auto") -> tuple[str, Parsed]:
    """The format used and what it found in the file; ImportFileError when nothing can be read."""
    fmt = detect_format(filename, data) if fmt in ("", "auto") else fmt
    if fmt not in IMPORTERS:
        raise ImportFileError(f"未知的导入格式“{fmt}”；可用：{'、'.join(IMPORTERS)}。")
    if not data:
        raise ImportFileError(f"文件 {filename} 是空的。")
    parsed = IMPORTERS[fmt].parse(data, filename)
    if not any(i.data is not None or i.reasons for i in parsed.items):
        found = "；".join(dict.fromkeys(i.note for i in parsed.items if i.note))
        raise ImportFileError(
            f"文件 {filename} 中没有识别出任何题目（按{IMPORTERS[fmt].label}格式读取）"
            + (f"：{found}" if found else "。")
        )
    return fmt, parsed


# --- the question editor (same syntax as the template) ------------------------------------

OPTION_LETTER = re.compile(r"^\s*[A-Ha-h]\s*[.．、:：]\s*")


def editor_question(fields: Mapping[str, Any]) -> tuple[QuestionData | None, list[str]]:
    """Editor fields (options one per line, answer in template syntax) to a question and reasons."""
    qtype = fields.get("qtype") or ""
    if qtype not in BUILDERS:
        return None, [f"未知题型“{qtype}”"]
    reasons: list[str] = []
    options = [
        OPTION_LETTER.sub("", line).strip()
        for line in cell(fields.get("options")).splitlines()
        if line.strip()
    ]
    answer = cell(fields.get("answer"))
    if qtype in ("fill", "numerical"):
        answer = re.sub(r"\s*\n\s*", "；", answer)
    content = BUILDERS[qtype](options, answer, reasons)
    content.update(editor_extras(qtype, fields))
    data = QuestionData(
        qtype=qtype,
        stem=cell(fields.get("stem")),
        content=content,
        code=cell(fields.get("code")),
        explanation=cell(fields.get("explanation")),
        legal_basis=cell(fields.get("legal_basis")),
        difficulty=difficulty(cell(fields.get("difficulty")), reasons),
        tags=[cell(fields.get("tags"))],
        category=cell(fields.get("category")),
        is_active=bool(fields.get("is_active")),
    )
    return data, reasons


def editor_extras(qtype: str, fields: Mapping[str, Any]) -> dict:
    if qtype == "fill":
        return {"case_sensitive": bool(fields.get("case_sensitive"))}
    if qtype == "numerical":
        return {"unit": cell(fields.get("unit"))}
    return {}
