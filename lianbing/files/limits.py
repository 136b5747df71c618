"""Bounded parsing of uploads: an Office file (a zip) or a JSON document is checked before it
is parsed, so a small hostile file cannot make a worker grow by gigabytes or run for minutes.

An .xlsx/.docx is refused, with a Chinese reason, when it is not a readable zip, has too many
members, would unpack to more than ``UPLOAD_MAX_UNZIPPED_MB`` (50 MB by default), compresses
suspiciously well (a zip bomb), or — for a workbook — declares or holds cells beyond 100,000
rows × 64 columns (the sheet XML's ``<dimension>`` is read, then the rows are streamed, since
a file may lie about its dimension). Size refusals are ``TooLarge`` (413), others ``Invalid``
(400). Workbooks are then read by openpyxl in read-only (streaming) mode.

JSON gets a size limit and a nesting-depth limit checked by a scan of the text before
``json.loads`` runs, so a document nested 200,000 deep is a 400, not a ``RecursionError``.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass

from defusedxml.ElementTree import iterparse
from flask import current_app, has_app_context

from lianbing.errors import Invalid, Refused, TooLarge
from lianbing.security import MAX_JSON_DEPTH, json_depth

MB = 1024 * 1024
CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z0-9:$]+)\"")


@dataclass(frozen=True)
class Limits:
    max_unzipped: int = 50 * MB
    max_members: int = 2000
    #: unpacked / packed; ordinary workbooks stay well under 100
    max_ratio: int = 200
    max_rows: int = 100_000
    max_columns: int = 64
    max_json_bytes: int = 1 * MB
    max_json_depth: int = MAX_JSON_DEPTH


def limits() -> Limits:
    if has_app_context():
        return Limits(max_unzipped=current_app.config.get("UPLOAD_MAX_UNZIPPED_MB", 50) * MB)
    return Limits()


REOPEN = "请用 Excel 打开后另存为 .xlsx 再上传。"


def _unreadable(label: str, why: str) -> str:
    space = " " if label[:1].isascii() else ""
    return f"无法读取{space}{label}：{why}"


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _open_zip(data: bytes, label: str) -> zipfile.ZipFile:
    if not data:
        raise Invalid(_unreadable(label, "文件是空的（0 字节）。"))
    if not data.startswith(b"PK\x03\x04"):
        raise Invalid(_unreadable(label, "它不是 .xlsx/.docx（Office 压缩包），请重新另存后上传。"))
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        book.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise Invalid(_unreadable(label, f"文件已损坏或不完整，{REOPEN}")) from None
    return book


def check_zip(data: bytes, label: str = "文件", lim: Limits | None = None) -> zipfile.ZipFile:
    """The archive's envelope: members, unpacked size, compression ratio."""
    lim = lim or limits()
    book = _open_zip(data, label)
    members = book.infolist()
    if len(members) > lim.max_members:
        raise Invalid(f"{label}包含 {len(members)} 个部件，超过上限 {lim.max_members}，拒绝解析。")
    unpacked = sum(m.file_size for m in members)
    if unpacked > lim.max_unzipped:
        raise TooLarge(
            f"{label}解压后约 {unpacked // MB} MB，超过上限 {lim.max_unzipped // MB} MB，拒绝解析。"
        )
    packed = max(1, sum(m.compress_size for m in members))
    if unpacked > MB and unpacked / packed > lim.max_ratio:
        raise TooLarge(
            f"{label}的压缩比异常（约 {unpacked // packed}:1），疑似压缩炸弹，拒绝解析。"
        )
    return book


def _check_extent(ref: str, label: str, lim: Limits) -> None:
    last = ref.replace("$", "").split(":")[-1]
    match = CELL_REF.fullmatch(last)
    if not match:
        return
    col, row = _column_number(match.group(1)), int(match.group(2))
    if row > lim.max_rows or col > lim.max_columns:
        raise Invalid(
            f"{label}的工作表范围到 {last}（{row} 行 × {col} 列），超过上限 "
            f"{lim.max_rows} 行 × {lim.max_columns} 列。请只保留需要导入的数据区域。"
        )


def _check_sheet(book: zipfile.ZipFile, name: str, label: str, lim: Limits) -> None:
    with book.open(name) as stream:
        head = stream.read(4096)
    match = DIMENSION.search(head)
    if match:
        _check_extent(match.group(1).decode(), label, lim)
    rows = 0
    try:
        with book.open(name) as stream:
            for _, el in iterparse(stream, events=("end",)):
                if el.tag.rsplit("}", 1)[-1] != "row":
                    continue
                rows += 1
                if rows > lim.max_rows:
                    raise Invalid(f"{label}的行数超过上限 {lim.max_rows} 行。")
                last = el[-1].get("r") if len(el) else None  # cells come in column order
                if last:
                    _check_extent(last, label, lim)
                elif el.get("r", "0").isdigit() and int(el.get("r", "0")) > lim.max_rows:
                    raise Invalid(f"{label}的行号 {el.get('r')} 超过上限 {lim.max_rows} 行。")
                el.clear()
    except Refused:
        raise
    except (SyntaxError, ValueError):  # ParseError is a SyntaxError; defusedxml raises
        raise Invalid(_unreadable(label, f"工作表已损坏，{REOPEN}")) from None


def check_table_extent(rows: int, columns: int, label: str = "文件") -> None:
    """The same bounds for a table read some other way (CSV): rows × columns."""
    lim = limits()
    if rows > lim.max_rows or columns > lim.max_columns:
        raise Invalid(
            f"{label}有 {rows} 行 × {columns} 列，"
            f"超过上限 {lim.max_rows} 行 × {lim.max_columns} 列。"
        )


def check_xlsx(data: bytes, label: str = "Excel 文件") -> None:
    """Refuse a workbook that would be unsafe to parse (see the module's docstring)."""
    lim = limits()
    book = check_zip(data, label, lim)
    sheets = [n for n in book.namelist() if re.fullmatch(r"xl/worksheets/[^/]+\.xml", n)]
    if not sheets:
        raise Invalid(
            _unreadable(label, "它不是 .xlsx 工作簿（找不到工作表）。旧版 .xls 请另存为 .xlsx。")
        )
    try:
        for name in sheets:
            _check_sheet(book, name, label, lim)
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError):
        raise Invalid(_unreadable(label, f"文件已损坏或不完整，{REOPEN}")) from None


def check_docx(data: bytes, label: str = "Word 文件") -> None:
    book = check_zip(data, label)
    if "word/document.xml" not in book.namelist():
        raise Invalid(f"{label}不是 .docx 文档。")


def read_excel(data: bytes, label: str = "Excel 文件", **kwargs):
    """The first sheet as a DataFrame, after :func:`check_xlsx`; openpyxl reads in read-only mode.

    Any failure of the parser itself becomes ``Invalid`` with the reason.
    """
    import pandas as pd  # pandas is heavy; only the importers need it

    check_xlsx(data, label)
    try:
        return pd.read_excel(io.BytesIO(data), engine="openpyxl", **kwargs)
    except Exception:  # openpyxl/zipfile raise many kinds; all mean "not readable"
        raise Invalid(
            _unreadable(
                label,
                f"文件已损坏或不是 .xlsx 格式（旧版 .xls 也算），{REOPEN}",
            )
        ) from None


def check_json_text(text: str, label: str = "JSON", lim: Limits | None = None) -> None:
    lim = lim or limits()
    if len(text.encode("utf-8", "surrogatepass")) > lim.max_json_bytes:
        raise TooLarge(f"{label}超过 {lim.max_json_bytes // 1024} KB，拒绝解析。")
    if json_depth(text) > lim.max_json_depth:
        raise Invalid(f"{label}的嵌套层数超过 {lim.max_json_depth} 层，拒绝解析。")


def load_json(raw: bytes | str, label: str = "JSON 文件", lim: Limits | None = None):
    """Parse JSON after the size and depth checks; a syntax error is ``Invalid``."""
    lim = lim or limits()
    if isinstance(raw, bytes):
        if len(raw) > lim.max_json_bytes:
            raise TooLarge(f"{label}超过 {lim.max_json_bytes // 1024} KB，拒绝解析。")
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Invalid(_unreadable(label, "它不是 UTF-8 编码的文本。")) from None
    check_json_text(raw, label, lim)
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise Invalid(json_problem(label, exc)) from None


#: what Python's JSON parser says (its message up to the first colon) and how to say it
JSON_REASONS = {
    "Expecting value": "此处应有一个值（文件是空的，或不是 JSON 格式）",
    "Expecting property name": "名称须用英文双引号括起（末项后不能有逗号）",
    "Expecting ',' delimiter": "缺少英文逗号",
    "Expecting ':' delimiter": "缺少英文冒号",
    "Extra data": "内容结束后还有多余的文字",
    "Unterminated string starting at": "文字缺少结尾的英文双引号",
    "Invalid control character at": "文字中有不允许的控制字符（如直接换行）",
    "Invalid \\escape": "有无效的反斜杠转义",
}


def json_problem(label: str, exc: Exception) -> str:
    """A JSON syntax error in Chinese, with where it is and what to do."""
    if not isinstance(exc, json.JSONDecodeError):
        return f"{label}的嵌套层数过多，无法解析。请检查文件内容。"
    head = exc.msg.split(":")[0]
    reason = next((v for k, v in JSON_REASONS.items() if head.startswith(k)), "格式不正确")
    return (
        f"{label}不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列{reason}。"
        "请上传本系统导出的文件，或用文本编辑器改正后重新上传。"
    )
