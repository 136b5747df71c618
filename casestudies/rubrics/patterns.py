"""Trainers' patterns run with a time budget (the ``regex`` module's timeout).

A rubric's regular expressions are written by trainers and run on officers' records; a pattern
with catastrophic backtracking (``(a|aa)+$``) must neither hang a request nor be saved. Every
pattern is compiled with ``regex`` (Python ``re`` syntax), probed at validation on hostile
inputs of the largest record size, and every search runs with ``BUDGET_S``; a search over budget
raises ``PatternTimeout`` and the check fails with a message. See
docs/decisions/0010-regex-time-limits.md.
"""

from __future__ import annotations

import time
from functools import lru_cache

import regex

from casestudies.exercises.reader import normalize
from casestudies.exercises.records import MAX_RECORD_CHARS

BUDGET_S = 0.25
#: a pattern is refused when a record of the largest size built from its own characters
#: (the worst case for backtracking) takes longer than the budget
PROBE_S = BUDGET_S
PROBE_LEN = MAX_RECORD_CHARS
SHORT_LEN, SHORT_S = 2000, 0.002
_META = set("\\.^$*+?{}[]()|-,:!=<>#&~")


class PatternTimeout(Exception):
    """A pattern ran longer than its budget on a record."""

    def __init__(self, pattern: str):
        super().__init__(pattern)
        self.pattern = pattern

    @property
    def message(self) -> str:
        return f"规则“{self.pattern}”运行超过 {BUDGET_S:g} 秒，已中止，本项未能自动检查，请人工评定"


#: what to check when a trainer's pattern does not compile (the library says it in English)
REGEX_HINT = "括号须成对；要匹配 . * + ? ( ) [ ] \\ 等符号本身时，请在前面加 \\"


def compile_pattern(pattern, what: str, probe: bool = True) -> regex.Pattern:
    """Compile a trainer's pattern; ValueError (Chinese) when it is empty, invalid or too slow."""
    if not isinstance(pattern, str) or not pattern:
        raise ValueError(f"{what}不能为空")
    try:
        rx = regex.compile(normalize(pattern), regex.VERSION0)  # records are searched normalized
    except (regex.error, OverflowError, RecursionError) as exc:
        raise ValueError(f"{what}“{pattern}”不是有效的正则表达式：{REGEX_HINT}") from exc
    if probe and _too_slow(rx.pattern):
        raise ValueError(
            f"{what}“{pattern}”在 {PROBE_LEN} 字的测试文本上运行超过 {PROBE_S:g} 秒"
            "（嵌套重复会导致回溯失控），请改写"
        )
    return rx


def _probes(pattern: str) -> list[str]:
    chars = [c for c in dict.fromkeys(pattern) if c not in _META and not c.isspace()][:6]
    texts = [c * PROBE_LEN + "\x00" for c in chars]
    texts += ["a" * PROBE_LEN + "!", "1" * PROBE_LEN + "!", "执法" * (PROBE_LEN // 2) + "!"]
    if len(chars) > 1:
        texts.append("".join(chars) * (PROBE_LEN // len(chars)) + "\x00")
    return texts


@lru_cache(maxsize=2048)
def _too_slow(pattern: str) -> bool:
    """A short run first; only a pattern already slow on 2,000 characters gets the full size."""
    rx = regex.compile(pattern, regex.VERSION0)
    for text in _probes(pattern):
        try:
            started = time.perf_counter()
            rx.search(text[:SHORT_LEN] + text[-1], timeout=PROBE_S)
            if time.perf_counter() - started > SHORT_S:
                rx.search(text, timeout=PROBE_S)
        except TimeoutError:
            return True
    return False


def search(rx: regex.Pattern, text: str, pos: int = 0, endpos: int | None = None):
    try:
        return rx.search(text, pos, len(text) if endpos is None else endpos, timeout=BUDGET_S)
    except TimeoutError as exc:
        raise PatternTimeout(rx.pattern) from exc


def finditer(rx: regex.Pattern, text: str) -> list:
    try:
        return list(rx.finditer(text, timeout=BUDGET_S))
    except TimeoutError as exc:
        raise PatternTimeout(rx.pattern) from exc
