"""Question lists as Chinese trainers keep them in Word or plain text, read into raw records.

Layouts understood (mixed freely in one file):

- ``1．题干`` / ``1、题干`` / ``1.题干``; numbering may restart per chapter or section;
- options one per line or several on a line (``A、… B、… C、…``; markers ``A.`` ``A．`` ``A、``
  ``A:`` ``A：``, with or without ``**``), taken in letter order only;
- ``答案：A`` / ``参考答案：A`` / ``正确答案：A`` on its own line or at the end of the last option
  line; the answer inside the stem's brackets ``（D）``; ``（正确）`` / ``（错误）``, ✔/❌, 对/错
  on the next line for true/false;
- all answers collected at the end after a ``参考答案`` heading (``1.A 2.C 3.对`` …), matched
  to the questions by number in file order;
- ``解析：`` over several paragraphs, until the next question;
- section headings (``一、单项选择题``) give the type when the answer alone cannot; chapter
  headings (``第一章 …``) give the category;
- CRLF line ends and look-alike characters (full-width letters, radical ideographs): every
  line is normalised with NFKC first.

This module only reads lines into :class:`Raw` records; ``quizzes.importers`` turns them into
questions with the same checks as a spreadsheet row.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field

LETTERS = "ABCDEFGH"
TRUTH = r"正确|错误|对|错|√|×|✔|✓|✗|✘|❌|X"

SECTION = re.compile(r"^[一二三四五六七八九十]+\s*[、.]\s*(.{0,12}?)(?:题)?\s*(?:[(（].*)?$")
SECTION_TYPES = (
    ("多项选择", "multiple"),
    ("多选", "multiple"),
    ("不定项", "multiple"),
    ("单项选择", "single"),
    ("单选", "single"),
    ("选择", "single"),
    ("判断", "truefalse"),
    ("是非", "truefalse"),
    ("填空", "fill"),
)
CHAPTER = re.compile(r"^第\s*[\d一二三四五六七八九十百]+\s*[章节部分篇编]")
ANSWER_HEADING = re.compile(r"^[【\[]?(?:参考答案|答案)(?:及解析)?[】\]]?\s*[:：]?\s*$")
QUESTION = re.compile(r"^(\d{1,4})\s*(?:、|\.(?!\d))\s*(.*\S.*)$")
OPTION_START = re.compile(r"^(?:\*\*)?\s*A\s*[.、:：]")
OPTION_MARK = re.compile(r"\*\*\s*([A-H])\s*[.、:：]?\s*|(?<![A-Za-z0-9])([A-H])\s*[.、:：]\s*")
ANSWER_LINE = re.compile(r"^[【\[]?(?:参考答案|正确答案|答案)[】\]]?\s*[:：]?\s*(.+)$")
ANSWER_TAIL = re.compile(r"[【\[]?(?:参考答案|正确答案|答案)[】\]]?\s*[:：]\s*(\S+)\s*$")
TRUTH_LINE = re.compile(rf"^[(（\[【]?\s*({TRUTH})\s*[)）\]】]?$")
BRACKETED = re.compile(rf"[(（]\s*([A-H]{{1,8}}|{TRUTH})\s*[)）]")
EXPLANATION = re.compile(r"^[【\[]?(?:答案解析|解析)[】\]]?\s*[:：]?\s*(.*)$")
ANSWER_ENTRY = re.compile(rf"(\d{{1,4}})\s*[.、:：]?\s*([A-H]{{1,8}}|{TRUTH})(?![A-Za-z])")


@dataclass
class Raw:
    """One question as found: its place, the type hint of its section, and its parts in text."""

    number: int
    line: int
    kind: str = ""
    category: str = ""
    stem: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    answer: str = ""
    explanation: list[str] = field(default_factory=list)

    @property
    def place(self) -> str:
        return f"第 {self.number} 题（第 {self.line} 行）"


def docx_text(data: bytes) -> str:
    """The paragraphs of a .docx (tables' cells too), one per line."""
    import docx  # python-docx; imported here so the rest of the importers need not load it

    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines += [c.text for c in row.cells]
    return "\n".join(lines)


#: Chinese punctuation kept as typed (NFKC would turn it into ASCII); the patterns accept both
KEEP = frozenset("，；？！（）：")


def normalise(line: str) -> str:
    """NFKC (full-width letters and digits, ．, radical look-alikes); Chinese punctuation kept."""
    text = "".join(c if c in KEEP else unicodedata.normalize("NFKC", c) for c in line)
    return text.replace("\u3000", " ").strip().strip("\ufeff").strip()


def looks_plain(text: str) -> bool:
    """Does a text look like a numbered question list (rather than GIFT or Aiken)?"""
    lines = [normalise(x) for x in text.splitlines()[:400]]
    numbered = sum(bool(QUESTION.match(x)) for x in lines)
    marked = sum(
        bool(OPTION_START.match(x) or ANSWER_LINE.match(x) or TRUTH_LINE.match(x)) for x in lines
    )
    return numbered >= 1 and marked >= 1 and not re.search(r"^\s*(::|\$CATEGORY)", text, re.M)


@dataclass
class _State:
    records: list[Raw] = field(default_factory=list)
    current: Raw | None = None
    kind: str = ""
    category: str = ""
    in_answers: bool = False
    in_explanation: bool = False
    collected: list[tuple[int, str]] = field(default_factory=list)


def read(text: str) -> list[Raw]:
    """Every question found in the text, in file order, answers collected at the end applied."""
    state = _State()
    for number, raw in enumerate(text.splitlines(), 1):
        line = normalise(raw)
        if line:
            _line(state, line, number)
    _apply_collected(state)
    return state.records


def _line(state: _State, line: str, number: int) -> None:
    if _heading(state, line):
        return
    if state.in_answers:
        state.collected += [(int(n), a) for n, a in ANSWER_ENTRY.findall(line)]
        return
    question = QUESTION.match(line)
    if question and not _is_truth_line(line):
        state.current = Raw(int(question.group(1)), number, state.kind, state.category)
        state.records.append(state.current)
        state.in_explanation = False
        _body(state, question.group(2))
        return
    if state.current is not None:
        _body(state, line)


def _is_truth_line(line: str) -> bool:
    return bool(TRUTH_LINE.match(line))


def _heading(state: _State, line: str) -> bool:
    """Chapter, section and answer headings change the reading state."""
    if ANSWER_HEADING.match(line):
        state.in_answers, state.current = True, None
        return True
    if CHAPTER.match(line) and len(line) <= 40:
        state.category, state.current, state.kind = line, None, ""
        return True
    section = SECTION.match(line)
    if section and len(line) <= 40:
        kind = next((k for word, k in SECTION_TYPES if word in line), None)
        if kind is not None:
            state.kind, state.current = kind, None
            return True
    return False


def _body(state: _State, line: str) -> None:
    """A line inside the current question: stem, options, answer, true/false or 解析."""
    q = state.current
    explanation = EXPLANATION.match(line)
    if explanation:
        state.in_explanation = True
        if explanation.group(1):
            q.explanation.append(explanation.group(1))
        return
    answer = ANSWER_LINE.match(line)
    if answer:
        _answer(state, answer.group(1).strip())
        return
    if state.in_explanation:
        q.explanation.append(line)
        return
    if q.stem and _is_truth_line(line) and not q.options:
        q.answer = TRUTH_LINE.match(line).group(1)
        return
    tail = ANSWER_TAIL.search(line)
    if tail:
        q.answer, line = tail.group(1), line[: tail.start()].strip()
    inline = None if q.options else _inline_options(line)
    if inline is not None:
        q.stem.append(line[:inline].strip())
        q.options += _split_options(line[inline:], 0)
    elif OPTION_START.match(line) or (q.options and _next_option(line, len(q.options))):
        q.options += _split_options(line, len(q.options))
    elif q.options:
        q.options[-1] = f"{q.options[-1]} {line}".strip()
    elif line:
        q.stem.append(line)


ANSWER_THEN_TEXT = re.compile(rf"^([A-H]{{1,8}}|{TRUTH})\s*[,，。.;；]?\s*([^A-Za-z].*)$")


def _answer(state: _State, text: str) -> None:
    """``答案：C`` — or ``答案：C根据…``: the letters, then the rest begins the 解析."""
    q, state.in_explanation = state.current, False
    both = ANSWER_THEN_TEXT.match(text)
    if both and re.search(r"[\u4e00-\u9fff]", both.group(2)[:1]):
        q.answer, state.in_explanation = both.group(1), True
        q.explanation.append(both.group(2))
    else:
        q.answer = text


def _inline_options(line: str) -> int | None:
    """Where options start on a stem's line ("…（ ）进行论证。A、专家 B、监理…"), if they do:
    an "A" marker after some text, followed by a "B" marker."""
    marks = [m for m in OPTION_MARK.finditer(line) if m.start() > 0]
    first = next((m for m in marks if (m.group(1) or m.group(2)) == "A"), None)
    if first is None:
        return None
    later = [m for m in marks if m.start() > first.start()]
    return first.start() if any((m.group(1) or m.group(2)) == "B" for m in later) else None


def _next_option(line: str, count: int) -> bool:
    m = OPTION_MARK.match(line)
    return bool(m) and count < len(LETTERS) and (m.group(1) or m.group(2)) == LETTERS[count]


def _split_options(line: str, count: int) -> list[str]:
    """Options on one line, by markers in letter order starting at the ``count``-th letter."""
    marks = []
    for m in OPTION_MARK.finditer(line):
        if (
            count + len(marks) < len(LETTERS)
            and (m.group(1) or m.group(2)) == LETTERS[count + len(marks)]
        ):
            marks.append(m)
    ends = [m.start() for m in marks[1:]] + [len(line)]
    return [line[m.end() : end].strip().rstrip("*").strip() for m, end in zip(marks, ends)]


def _apply_collected(state: _State) -> None:
    """Answers after a 参考答案 heading go to unanswered questions by number, in file order."""
    waiting = [r for r in state.records if not r.answer and not _bracketed(r)]
    for number, answer in state.collected:
        match = next((r for r in waiting if r.number == number), None)
        if match is not None:
            match.answer = answer
            waiting.remove(match)


def _bracketed(record: Raw) -> bool:
    return any(BRACKETED.search(s) for s in record.stem)


def answer_from_stem(record: Raw) -> tuple[str, str]:
    """The stem with an answer written in its brackets ("（D）") blanked, and that answer."""
    stem = "\n".join(record.stem)
    if record.answer:
        return stem, record.answer
    found = BRACKETED.search(stem)
    if not found:
        return stem, ""
    return stem[: found.start()] + "（ ）" + stem[found.end() :], found.group(1)


def kind_of(record: Raw, answer: str) -> str:
    """The question type: from options and the answer, else the section's hint."""
    if record.options:
        letters = re.sub(r"[^A-H]", "", answer.upper())
        return "multiple" if len(letters) > 1 or record.kind == "multiple" else "single"
    if re.fullmatch(TRUTH, answer.strip()) or record.kind == "truefalse":
        return "truefalse"
    if record.kind == "fill" and answer:
        return "fill"
    return ""
