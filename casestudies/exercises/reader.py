"""Reading a record the way officers type it: the layout-aware parser behind the pre-grade.

Records arrive from the web form (one field per line) and from paper forms or Word pastes:
fields inline or several on one line, full- and half-width punctuation, 【】/（）/() labels,
officers with certificate numbers inline, in brackets or on their own lines, numbered
findings, signatures with their date on the same line, refusals with a witness, and 问/答
lines with or without colons.

``parse_record`` works on a normalized shadow of the text (full-width ASCII folded to
half-width; the same length, so every offset points into the original) and reports what it
understood: header fields, officers with certificate numbers, 问/答 pairs and body regions.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

#: full-width ASCII (and the ideographic space) to half-width, one character for one
_WIDE = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}

LABELS: dict[str, tuple[str, ...]] = {
    "start_time": ("开始时间",),
    "end_time": ("结束时间",),
    "time_range": ("检查时间", "询问时间", "勘察时间", "检查(勘察)时间", "时间"),
    "place": ("地点", "检查地点", "询问地点", "勘察地点", "检查(勘察)地点"),
    "unit": ("被检查单位", "涉案单位", "被检查单位名称", "单位名称"),
    "legal_rep": ("法定代表人(负责人)", "法定代表人", "负责人", "被检查人", "现场负责人"),
    "contact": ("联系电话", "电话", "联系方式", "手机"),
    "officers": ("执法人员", "检查人", "检查人员", "询问人", "询问人员", "承办人", "执法人"),
    "officer_certs": ("执法证号", "执法证编号", "证号"),
    "name": ("姓名",),
    "recorder": ("记录人",),
    "interviewee": ("被询问人", "被询问人姓名"),
    "sex": ("性别",),
    "age": ("年龄",),
    "id_no": ("身份证号", "身份证号码", "公民身份号码", "身份证件号码"),
    "employer": ("工作单位",),
    "post": ("职务", "职业"),
    "address": ("住址", "家庭住址", "现住址"),
    "phone": ("被询问人电话",),
    "relation": ("与本案关系",),
    "party_signature": tuple(
        p + s
        for p in ("当事人", "被检查人", "被询问人")
        for s in ("签名", "签字", "(签名)", "(签字)", "签名确认")
    )
    + ("签名",),
    "signed_on": ("签名日期", "日期"),
    "officer_signatures": tuple(
        p + s for p in ("执法人员", "检查人", "询问人") for s in ("签名", "签字", "(签名)")
    ),
    "recorder_signature": ("记录人签名", "记录人(签名)"),
    "witness": ("见证人", "见证人签名", "见证人(签名)"),
    "confirmation": ("当事人意见", "被检查人意见", "被询问人意见"),
    "section": ("现场检查情况", "现场检查(勘察)情况", "询问情况", "检查情况", "勘察情况", "正文"),
}
ALIASES = {label: key for key, labels in LABELS.items() for label in labels}
#: how the panel of what was understood names each field
FIELD_NAMES = {
    "start_time": "开始时间",
    "end_time": "结束时间",
    "place": "地点",
    "unit": "被检查（涉案）单位",
    "legal_rep": "法定代表人（负责人）",
    "contact": "联系电话",
    "officers": "执法人员",
    "officer_certs": "执法证号",
    "recorder": "记录人",
    "interviewee": "被询问人",
    "sex": "性别",
    "age": "年龄",
    "id_no": "身份证号",
    "employer": "工作单位",
    "post": "职务",
    "address": "住址",
    "phone": "被询问人电话",
    "relation": "与本案关系",
    "party_signature": "当事人签名",
    "signed_on": "签名日期",
    "officer_signatures": "执法人员签名",
    "recorder_signature": "记录人签名",
    "witness": "见证人",
    "confirmation": "当事人意见",
}
_ALT = "|".join(
    " *".join(re.escape(ch) for ch in label) for label in sorted(ALIASES, key=len, reverse=True)
)
#: a label at the start of a line or after a separator: ``label:`` or ``【label】`` / ``[label]``
LABEL_RE = re.compile(
    r"(?:^|(?<=[\s,;、。.】\]]))[ \t]*(?:(?P<open>【|\[)[ ]*(?P<b>" + _ALT + r")[ ]*(?:】|\])"
    r"|(?P<c>" + _ALT + r")[ \t]*:)"
)
QA_RE = re.compile(
    r"^[ \t]*(?:\d{1,3}[.、]\s*)?(?:询问人|执法人员|被询问人)?(问|答)"
    r"(?:[ \t]*[:.、]|[ \t]+|(?=[^题询候复应辩谢\s]))"
)
CERT_RE = re.compile(r"(?<![\dA-Za-z])[A-Za-z]{0,3}\d{6,}(?!\d)")
DATE_RE = re.compile(r"\d{4}\s*[年.\-/]\s*\d{1,2}\s*[月.\-/]\s*\d{1,2}\s*日?")
NAME_RE = re.compile(r"[\u4e00-\u9fff]{1,4}")
RANGE_CUT = re.compile(r"至|到|—+|--|~|－")
LIST_MARK = re.compile(
    r"^[ \t]*(?:\(?\d{1,2}[.、)]|\(\d{1,2}\)"
    r"|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、|[①-⑳])"
)
OFFICER_KEYS = ("officers", "officer_certs")
SIGNATURE_KEYS = ("party_signature", "witness")
NOT_NAMES = ("执法证号", "执法证", "证号", "姓名", "编号", "执法")


def normalize(text: str) -> str:
    """Full-width ASCII and the ideographic space as half-width (same length)."""
    return text.translate(_WIDE)


@dataclass
class ParsedRecord:
    """A record's text with where each part lies (offsets into ``text``)."""

    text: str
    norm: str = ""
    fields: dict[str, tuple[int, int]] = field(default_factory=dict)
    body: list[tuple[int, int]] = field(default_factory=list)
    qa: list[tuple[str, int, int]] = field(default_factory=list)
    #: the whole line of each header field, to point at a field left empty
    lines: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: the officers' regions: the field, lines of names and certificate numbers below it
    officer_spans: list[tuple[int, int]] = field(default_factory=list)
    #: list numbers of findings (1． （一） ① 一、), not quantities
    list_marks: list[tuple[int, int]] = field(default_factory=list)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def value(self, key: str) -> str:
        span = self.fields.get(key)
        return self.norm[span[0] : span[1]].strip() if span else ""

    def shown(self, key: str) -> str:
        """A field's value as written (not normalized), for people."""
        span = self.fields.get(key)
        return self.text[span[0] : span[1]].strip() if span else ""

    def in_body(self, pos: int) -> bool:
        return _inside(self._index("body", self.body), pos)

    def in_answer(self, pos: int) -> bool:
        answers = [(s, e) for kind, s, e in self.qa if kind == "答"]
        return _inside(self._index("answers", answers), pos)

    def _index(self, name: str, spans: list[tuple[int, int]]) -> tuple[list, list]:
        """Spans sorted by start, built once after parsing (the checks ask many times)."""
        key = (name, len(spans))
        if key not in self._cache:
            ordered = sorted(spans)
            self._cache[key] = ([s for s, _ in ordered], [e for _, e in ordered])
        return self._cache[key]

    def officers(self) -> list[dict]:
        """Officers in the officers' regions: name and certificate number (either may be blank)."""
        key = ("officers", len(self.officer_spans))
        if key not in self._cache:
            self._cache[key] = self._read_officers()
        return [dict(o) for o in self._cache[key]]

    def _read_officers(self) -> list[dict]:
        names, certs = [], []
        for start, end in self.officer_spans:
            chunk = self.norm[start:end]
            for piece in re.split(r"[、,;，；\n]|\)\s*|(?<=\d)\s+", chunk):
                cert = CERT_RE.search(piece)
                name = next((n for n in NAME_RE.findall(piece) if n not in NOT_NAMES), "")
                name = re.sub(r"^(执法证号|执法证|证号|姓名)|(执法证号|执法证|证号)$", "", name)
                if cert and name:
                    names.append(name), certs.append(cert.group(0))
                elif cert:
                    certs.append(cert.group(0))
                elif name:
                    names.append(name)
        return _pair(names, certs)

    def understood(self) -> dict:
        """What the reader found, for people: fields, officers, 问/答 pairs, numbered findings."""
        pairs, question = [], None
        for kind, start, end in self.qa:
            said = self.text[start:end].strip()
            if kind == "问":
                question = {"q": said, "a": ""}
                pairs.append(question)
            elif question is not None and not question["a"]:
                question["a"] = said
            else:
                pairs.append({"q": "", "a": said})
        return {
            "fields": {k: self.shown(k) for k in self.fields},
            "officers": self.officers(),
            "qa": pairs,
            "findings": len(self.list_marks),
        }


def _inside(index: tuple[list, list], pos: int) -> bool:
    starts, ends = index
    i = bisect_right(starts, pos)
    # spans do not overlap much; look back a few in case of nesting
    return any(ends[j] > pos for j in range(max(0, i - 3), i))


def _pair(names: list[str], certs: list[str]) -> list[dict]:
    """Names and certificate numbers in order; a name and a number listed apart pair up."""
    out, seen = [], set()
    for i in range(max(len(names), len(certs))):
        cert = certs[i] if i < len(certs) else ""
        if cert and cert in seen:
            continue
        seen.add(cert)
        out.append({"name": names[i] if i < len(names) else "", "cert": cert})
    return out


def parse_record(text: str) -> ParsedRecord:
    """Find header fields, officers, body regions and 问/答 lines in a record's text."""
    record = ParsedRecord(text=text, norm=normalize(text))
    state = _State()
    pos = 0
    for raw in record.norm.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        _parse_line(record, state, line, pos)
        pos += len(raw)
    return record


@dataclass
class _State:
    #: what the previous line opened: "officers", "signature", "qa" or ""
    open: str = ""


def _parse_line(record: ParsedRecord, state: _State, line: str, pos: int) -> None:
    qa = QA_RE.match(line)
    if qa:
        record.qa.append((qa.group(1), pos + qa.end(), pos + len(line)))
        record.body.append((pos, pos + len(line)))
        state.open = "qa"
        return
    labels = list(LABEL_RE.finditer(line))
    keys = {ALIASES[_label(m)] for m in labels}
    if state.open == "officers" and keys <= {"officer_certs", "name"} and _officer_line(line):
        record.officer_spans.append((pos, pos + len(line)))
        return
    if not labels:
        _free_line(record, state, line, pos)
        return
    state.open = ""
    for i, m in enumerate(labels):
        end = labels[i + 1].start() if i + 1 < len(labels) else len(line)
        _field(record, state, _label(m), pos + m.end(), pos + end, (pos, pos + len(line)))


def _label(m: re.Match) -> str:
    return re.sub(r"\s+", "", m.group("b") or m.group("c"))


def _officer_line(line: str) -> bool:
    return bool(CERT_RE.search(line)) or bool(re.fullmatch(r"\s*[\u4e00-\u9fff]{2,4}\s*", line))


def _free_line(record: ParsedRecord, state: _State, line: str, pos: int) -> None:
    """A line without a label: a continuation (answer, signature date) or body text."""
    if not line.strip():
        return
    date = DATE_RE.fullmatch(line.strip())
    if state.open == "signature" and date and "signed_on" not in record.fields:
        start = pos + line.index(line.strip())
        record.fields["signed_on"] = (start, start + len(line.strip()))
        return
    if state.open == "qa" and record.qa:
        kind, start, _ = record.qa[-1]
        record.qa[-1] = (kind, start, pos + len(line))
    mark = LIST_MARK.match(line)
    if mark:
        record.list_marks.append((pos + mark.start(), pos + mark.end()))
    record.body.append((pos, pos + len(line)))


def _field(record, state, label: str, start: int, end: int, line: tuple[int, int]) -> None:
    key = ALIASES[label]
    while end > start and record.norm[end - 1] in " \t,;，；、":
        end -= 1
    if key == "section":
        if record.norm[start:end].strip():
            record.body.append((start, end))
        return
    if key == "time_range":
        _split_range(record, start, end)
        return
    key = _in_context(record, state, key)
    if key in OFFICER_KEYS:
        record.officer_spans.append((start, end))
        state.open = "officers"
    if key in SIGNATURE_KEYS or key == "officer_signatures":
        start, end = _signature(record, key, start, end)
        state.open = "signature" if key in SIGNATURE_KEYS else ""
    if key == "confirmation":
        record.body.append((start, end))
    _set(record, key, start, end, line)


def _in_context(record: ParsedRecord, state: _State, key: str) -> str:
    """A label whose meaning depends on where it stands (电话 of the interviewee, 姓名)."""
    if key == "contact" and "interviewee" in record.fields:
        return "phone"
    if key == "name":
        return "officer_certs" if state.open == "officers" else "interviewee"
    return key


def _set(record: ParsedRecord, key: str, start: int, end: int, line: tuple[int, int]) -> None:
    """The first filled value of a field wins; an empty one is kept until a filled one comes."""
    if key not in record.fields or not record.value(key):
        record.fields[key] = (start, end)
        record.lines[key] = line


def _signature(record: ParsedRecord, key: str, start: int, end: int) -> tuple[int, int]:
    """'吴某　2017年8月2日': the name is the signature, the date is the signing date."""
    date = DATE_RE.search(record.norm, start, end)
    if date is None:
        return start, end
    if key in SIGNATURE_KEYS and not record.value("signed_on"):
        record.fields["signed_on"] = (date.start(), date.end())
    cut = date.start()
    while cut > start and record.norm[cut - 1] in " \t":
        cut -= 1
    return start, cut


def _split_range(record: ParsedRecord, start: int, end: int) -> None:
    """'检查时间：…至…' gives both the start and the end time."""
    cut = RANGE_CUT.search(record.norm, start, end)
    if cut is None:
        record.fields.setdefault("start_time", (start, end))
        return
    record.fields.setdefault("start_time", (start, cut.start()))
    record.fields.setdefault("end_time", (cut.end(), end))
