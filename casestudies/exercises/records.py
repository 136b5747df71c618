"""The shape of a record: header fields, the canonical plain text and its parser.

A record written in the web form is turned into one canonical plain text (shaped like the
paper form); a record typed from paper is plain text already. Both are parsed by
``parse_record`` (reader.py) into fields, officers, body regions and 问/答 pairs with character
offsets, so the automatic checks and the evidence highlighting work on the same text everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from casestudies.exercises.reader import ParsedRecord, parse_record  # noqa: F401 (the parser)

MAX_RECORD_CHARS = 30_000
#: control characters other than tab and line ends, and the replacement character of bad decoding
_BINARY_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


def record_problem(text: str) -> str:
    """Why a record's text cannot be pre-graded ('' when it can): empty, binary or too long."""
    if not text or not text.strip():
        return "笔录为空"
    if len(text) > MAX_RECORD_CHARS:
        return f"笔录过长（{len(text)} 字，上限 {MAX_RECORD_CHARS} 字）"
    if _BINARY_RE.search(text):
        return "笔录含有二进制或控制字符，不是纯文本（请粘贴或保存为 UTF-8 文字）"
    return ""


COMMON_HEAD = [
    ("start_time", "开始时间"),
    ("end_time", "结束时间"),
    ("place", "地点"),
    ("unit", "被检查单位"),
    ("legal_rep", "法定代表人（负责人）"),
    ("contact", "联系电话"),
]
INTERVIEWEE = [
    ("interviewee", "被询问人"),
    ("sex", "性别"),
    ("age", "年龄"),
    ("id_no", "身份证号"),
    ("employer", "工作单位"),
    ("post", "职务"),
    ("address", "住址"),
    ("phone", "被询问人电话"),
    ("relation", "与本案关系"),
]
STAFF = [("officers", "执法人员"), ("recorder", "记录人")]
FOOT = [
    ("party_signature", "当事人签名"),
    ("signed_on", "签名日期"),
    ("officer_signatures", "执法人员签名"),
]

FIELDS = {"inspection": COMMON_HEAD + STAFF, "inquiry": COMMON_HEAD + STAFF + INTERVIEWEE}
TITLES = {"inspection": "现场检查（勘察）笔录", "inquiry": "调查询问笔录"}
BODY_LABEL = {"inspection": "现场检查情况", "inquiry": "询问情况"}
CONFIRM_LABEL = "当事人意见"

TIME_RE = re.compile(
    r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?"
    r"\s*[T ]?\s*(\d{1,2})\s*[时:：]\s*(\d{1,2})\s*分?"
)
CLOCK_RE = re.compile(r"^\s*(\d{1,2})\s*[时:：]\s*(\d{1,2})\s*分?\s*$")


@dataclass
class Draft:
    """What the web form holds: header values, body, 问/答 pairs and the confirmation."""

    header: dict = field(default_factory=dict)
    body: str = ""
    qa: list = field(default_factory=list)
    confirmation: str = ""

    def char_count(self) -> int:
        """What the officer wrote: the body, the 问/答 and the party's statement. The header's
        fields have limits of their own and are not counted (the form's counter agrees)."""
        parts = [self.body, self.confirmation]
        parts += [str(p.get("q", "")) + str(p.get("a", "")) for p in self.qa]
        return sum(len(p) for p in parts)

    def binary(self) -> bool:
        """Whether any part holds control characters (a pasted binary file, say)."""
        parts = [str(v) for v in self.header.values()] + [self.body, self.confirmation]
        parts += [str(p.get("q", "")) + str(p.get("a", "")) for p in self.qa]
        return any(_BINARY_RE.search(p) for p in parts)

    def is_empty(self) -> bool:
        has_qa = any(p.get("q", "").strip() or p.get("a", "").strip() for p in self.qa)
        return not self.body.strip() and not has_qa


def format_time(value: str) -> str:
    """'2017-07-20T09:30' (datetime-local) to '2017年07月20日09时30分'."""
    try:
        when = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return value or ""
    return when.strftime("%Y年%m月%d日%H时%M分")


def parse_time(value: str, default: datetime | None = None) -> datetime | None:
    """A time written to the minute, or None; a bare clock time takes ``default``'s date."""
    m = TIME_RE.search(value or "")
    try:
        if m:
            return datetime(*(int(g) for g in m.groups()))
        clock = CLOCK_RE.match(value or "")
        if clock and default:
            return default.replace(hour=int(clock.group(1)), minute=int(clock.group(2)))
    except ValueError:
        return None
    return None


def officers_text(officers) -> str:
    """The officers list of the form as one header line."""
    if isinstance(officers, str):
        return officers
    rows = [
        o for o in officers or [] if (o.get("name") or "").strip() or (o.get("cert") or "").strip()
    ]
    return "、".join(
        f"{o.get('name', '').strip()}（执法证号：{o.get('cert', '').strip()}）" for o in rows
    )


def render_text(record_type: str, draft: Draft) -> str:
    """The canonical plain text of a record, shaped like the paper form."""
    lines = [TITLES[record_type]]
    for key, label in FIELDS[record_type]:
        lines.append(f"{label}：{header_value(key, draft.header.get(key, ''))}")
    lines.append(f"{BODY_LABEL[record_type]}：")
    lines += [line for line in draft.body.splitlines()]
    for pair in draft.qa:
        lines += [f"问：{pair.get('q', '').strip()}", f"答：{pair.get('a', '').strip()}"]
    lines.append(f"{CONFIRM_LABEL}：{draft.confirmation.strip()}")
    for key, label in FOOT:
        lines.append(f"{label}：{header_value(key, draft.header.get(key, ''))}")
    return "\n".join(lines)


def header_value(key: str, value) -> str:
    if key in ("start_time", "end_time"):
        return format_time(value)
    if key == "officers":
        return officers_text(value)
    return " ".join(str(value or "").split())


def segments(text: str, marks: list[tuple[int, int, str, str]]) -> list[tuple[str, str, str]]:
    """Cut text into (piece, css class, criterion keys) for highlighting; 'bad' wins over 'good'."""
    cuts = sorted(
        {0, len(text), *(p for s, e, _, _ in marks for p in (s, e) if 0 <= p <= len(text))}
    )
    out = []
    for start, end in zip(cuts, cuts[1:]):
        cover = [(cls, key) for s, e, cls, key in marks if s <= start and end <= e]
        cls = "bad" if any(c == "bad" for c, _ in cover) else ("good" if cover else "")
        out.append((text[start:end], cls, " ".join(sorted({k for _, k in cover}))))
    return out


MISSING_PREFIXES = ("未发现", "问答中未发现", "只发现")


def missing_of(pregrade: dict | None) -> list[tuple[str, str]]:
    """(criterion key, message) for every element the automatic checks found missing."""
    return [
        (key, m)
        for key, crit in ((pregrade or {}).get("criteria") or {}).items()
        for check in crit.get("checks", [])
        for m in check["messages"]
        if m.startswith(MISSING_PREFIXES)
    ]


def marks_of(
    pregrade: dict | None, verdicts: dict[str, bool] | None = None
) -> list[tuple[int, int, str, str]]:
    """Evidence spans of a pre-grade: failed checks 'bad', passed checks 'good'.

    Once a person has graded, ``verdicts`` (criterion key: fully met) colour the evidence of
    each criterion by the person's verdict, so the page shows one verdict.
    """
    out = []
    for key, crit in ((pregrade or {}).get("criteria") or {}).items():
        for check in crit.get("checks", []):
            passed = check["passed"] if verdicts is None else verdicts.get(key, check["passed"])
            cls = "good" if passed else "bad"
            out += [(s, e, cls, key) for s, e in check["spans"]]
    return out
