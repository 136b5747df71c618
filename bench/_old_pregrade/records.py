"""The shape of a record: header fields, the canonical plain text and its parser.

A record written in the web form is turned into one canonical plain text (shaped like the
paper form); a record typed from paper is plain text already. Both are parsed by
``parse_record`` into fields, body regions and 问/答 pairs with character offsets, so the
automatic checks and the evidence highlighting work on the same text everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

MAX_RECORD_CHARS = 30_000

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

#: labels accepted when parsing typed text, mapped to field keys
ALIASES = {label: key for key, label in COMMON_HEAD + INTERVIEWEE + STAFF + FOOT}
ALIASES.update(
    {
        "检查地点": "place",
        "询问地点": "place",
        "勘察地点": "place",
        "被检查人": "legal_rep",
        "法定代表人": "legal_rep",
        "负责人": "legal_rep",
        "电话": "contact",
        "检查人员": "officers",
        "询问人": "officers",
        "被检查人签名": "party_signature",
        "被询问人签名": "party_signature",
        "日期": "signed_on",
        "涉案单位": "unit",
        CONFIRM_LABEL: "confirmation",
        "被检查人意见": "confirmation",
        "被询问人意见": "confirmation",
    }
)
RANGE_LABELS = ("检查时间", "询问时间", "勘察时间", "时间")
SECTION_LABELS = ("现场检查情况", "询问情况", "检查情况", "勘察情况", "正文")

_LABELS = sorted(set(ALIASES) | set(RANGE_LABELS) | set(SECTION_LABELS), key=len, reverse=True)
LINE_RE = re.compile(
    r"^[ \t\u3000]*("
    + "|".join(re.escape(x) for x in _LABELS)
    + r")[ \t\u3000]*[：:][ \t\u3000]*(.*)$"
)
QA_RE = re.compile(r"^[ \t\u3000]*(问|答)[ \t\u3000]*[：:]")
TIME_RE = re.compile(
    r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?\s*[T ]?\s*(\d{1,2})\s*[时:：]\s*(\d{1,2})\s*分?"
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
        parts = [str(v) for v in self.header.values()] + [self.body, self.confirmation]
        parts += [p.get("q", "") + p.get("a", "") for p in self.qa]
        return sum(len(p) for p in parts)

    def is_empty(self) -> bool:
        has_qa = any(p.get("q", "").strip() or p.get("a", "").strip() for p in self.qa)
        return not self.body.strip() and not has_qa


@dataclass
class ParsedRecord:
    """A record's text with where each part lies (offsets into ``text``)."""

    text: str
    fields: dict[str, tuple[int, int]] = field(default_factory=dict)
    body: list[tuple[int, int]] = field(default_factory=list)
    qa: list[tuple[str, int, int]] = field(default_factory=list)
    #: the whole line of each header field, to point at a field left empty
    lines: dict[str, tuple[int, int]] = field(default_factory=dict)

    def value(self, key: str) -> str:
        span = self.fields.get(key)
        return self.text[span[0] : span[1]].strip() if span else ""

    def in_body(self, pos: int) -> bool:
        return any(s <= pos < e for s, e in self.body)


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


def parse_record(text: str) -> ParsedRecord:
    """Find header fields, body regions and 问/答 lines in a record's text."""
    record = ParsedRecord(text=text)
    pos = 0
    for line in text.splitlines(keepends=True):
        _parse_line(record, line.rstrip("\r\n"), pos)
        pos += len(line)
    return record


def _parse_line(record: ParsedRecord, line: str, pos: int) -> None:
    m = LINE_RE.match(line)
    if m is None:
        qa = QA_RE.match(line)
        if qa:
            record.qa.append((qa.group(1), pos + qa.end(), pos + len(line)))
        record.body.append((pos, pos + len(line)))
        return
    label, start, end = m.group(1), pos + m.start(2), pos + m.end(2)
    if label in SECTION_LABELS:
        if m.group(2).strip():
            record.body.append((start, end))
    elif label in RANGE_LABELS:
        _split_range(record, line, pos, m)
    else:
        record.fields.setdefault(ALIASES[label], (start, end))
        record.lines.setdefault(ALIASES[label], (pos, pos + len(line)))
        if ALIASES[label] == "confirmation":
            record.body.append((start, end))


def _split_range(record: ParsedRecord, line: str, pos: int, m: re.Match) -> None:
    """'检查时间：…至…' gives both the start and the end time."""
    start = pos + m.start(2)
    value = m.group(2)
    cut = re.search(r"至|到|—|--|~", value)
    if cut is None:
        record.fields.setdefault("start_time", (start, pos + m.end(2)))
        return
    record.fields.setdefault("start_time", (start, start + cut.start()))
    record.fields.setdefault("end_time", (start + cut.end(), pos + m.end(2)))


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


MISSING_PREFIXES = ("未记载", "缺少", "问答未涉及", "问答只有")


def missing_of(pregrade: dict | None) -> list[tuple[str, str]]:
    """(criterion key, message) for every element the automatic checks found missing."""
    return [
        (key, m)
        for key, crit in ((pregrade or {}).get("criteria") or {}).items()
        for check in crit.get("checks", [])
        for m in check["messages"]
        if m.startswith(MISSING_PREFIXES)
    ]


def marks_of(pregrade: dict | None) -> list[tuple[int, int, str, str]]:
    """Evidence spans of a pre-grade: failed checks 'bad', passed checks 'good'."""
    out = []
    for key, crit in ((pregrade or {}).get("criteria") or {}).items():
        for check in crit.get("checks", []):
            cls = "good" if check["passed"] else "bad"
            out += [(s, e, cls, key) for s, e in check["spans"]]
    return out
