"""Article listings into (number, text) pairs: plain text with 第X条 headings, or Excel."""

from __future__ import annotations

import re

import pandas as pd

from lianbing.host import Invalid, read_excel

DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
UNITS = {"十": 10, "百": 100, "千": 1000}
HEADING = re.compile(
    r"^\s*第\s*([0-9０-９]+|[零〇一二两三四五六七八九十百千]+)\s*条"
    r"(?:之[一二三四五六七八九十]+)?[\s　]*"
)
#: chapter and section headings between articles (第一章 总则, 第二节 …) are skipped
CHAPTER = re.compile(r"^\s*第\s*[零〇一二两三四五六七八九十百千0-9]+\s*[章节编]")
EXCEL_NUMBER = ("条号", "条", "number")
EXCEL_TEXT = ("条文", "内容", "text")


def chinese_number(text: str) -> int:
    """Parse 二十四, 一百零五, 24 or full-width ２４ into an int; ValueError on anything else."""
    text = text.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in DIGITS:
            current = DIGITS[ch]
        elif ch in UNITS:
            total += (current or 1) * UNITS[ch]
            current = 0
        else:
            raise ValueError(text)
    return total + current


def parse_text(text: str) -> list[tuple[int, str]]:
    """Split a plain-text law into articles at each 第X条 heading at the start of a line."""
    articles: list[tuple[int, list[str]]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        match = HEADING.match(line)
        if match:
            articles.append((_number(match.group(1), lineno), [line[match.end() :].strip()]))
        elif articles and line.strip() and not CHAPTER.match(line):
            articles[-1][1].append(line.strip())
    return [(n, "\n".join(p for p in parts if p)) for n, parts in articles]


def _number(raw: str, lineno: int) -> int:
    try:
        return chinese_number(raw)
    except ValueError:
        raise Invalid(f"第 {lineno} 行：无法识别条号“{raw}”。") from None


def parse_excel(data: bytes) -> list[tuple[int, str]]:
    """Read an Excel sheet with columns 条号 and 条文 (one article per row)."""
    frame = read_excel(data, "Excel 文件", dtype=str).fillna("")
    number_col = _column(frame, EXCEL_NUMBER)
    text_col = _column(frame, EXCEL_TEXT)
    return [
        _excel_row(i + 2, row[number_col], row[text_col])
        for i, row in frame.iterrows()
        if str(row[number_col]).strip() or str(row[text_col]).strip()
    ]


def _column(frame: pd.DataFrame, names: tuple[str, ...]) -> str:
    for column in frame.columns:
        if str(column).strip() in names:
            return column
    raise Invalid(f"Excel 缺少“{names[0]}”列（需要“条号”和“条文”两列）。")


def _excel_row(rowno: int, raw_number: str, body: str) -> tuple[int, str]:
    raw = str(raw_number).strip().removeprefix("第").removesuffix("条").removesuffix(".0")
    try:
        number = chinese_number(raw)
    except ValueError:
        raise Invalid(f"Excel 第 {rowno} 行：无法识别条号“{raw_number}”。") from None
    if not str(body).strip():
        raise Invalid(f"Excel 第 {rowno} 行：条文为空。")
    return number, str(body).strip()


def parse_upload(filename: str, data: bytes) -> list[tuple[int, str]]:
    """Dispatch on the file name: .txt as UTF-8 (or GB18030) text, .xlsx as Excel."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        return parse_excel(data)
    if name.endswith(".txt"):
        return parse_text(_decode(data))
    raise Invalid("只支持 .txt（第X条 分条的纯文本）或 .xlsx（条号、条文两列）文件。")


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Invalid("无法识别文本编码，请另存为 UTF-8。")
