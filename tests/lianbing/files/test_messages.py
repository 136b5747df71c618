"""File-parsing failures are said in Chinese, with where and what to do, never Python's words."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook

from lianbing.errors import Invalid
from lianbing.files.limits import load_json, read_excel

ENGLISH = re.compile(r"[A-Za-z]{4,}")  # a word of Python's (Expecting, BadZipFile, …)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "{'a': 1}",
        '{"a": 1,}',
        '{"a" 1}',
        '{"a": [1 2]}',
        '{"a": "unterminated}',
        '{"a": 1} extra',
        '{"a": "\\q"}',
        '{"a": "line\nbreak"}',
    ],
)
def test_json_syntax_errors_read_in_chinese(app, raw):
    with app.app_context(), pytest.raises(Invalid) as err:
        load_json(raw, "量表文件")
    message = str(err.value)
    assert message.startswith("量表文件不是有效的 JSON：第 ") and "列" in message
    assert not ENGLISH.search(message.replace("JSON", "")), message


def _xlsx_with_broken_sheet() -> bytes:
    book, buffer = Workbook(), io.BytesIO()
    book.active.append(["题型", "题干"])
    book.save(buffer)
    data = buffer.getvalue()
    return data[: len(data) // 2]  # cut in half: the zip's directory is gone


@pytest.mark.parametrize("data", [b"PK\x03\x04not really a zip", _xlsx_with_broken_sheet()])
def test_broken_workbooks_say_what_to_do(app, data):
    with app.app_context(), pytest.raises(Invalid) as err:
        read_excel(data, "题库文件")
    message = str(err.value)
    words = message.replace("Excel", "").replace(".xlsx", "")
    assert "另存为 .xlsx" in message and not ENGLISH.search(words), message
