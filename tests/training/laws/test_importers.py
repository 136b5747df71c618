"""Law imports: 第X条 text and Excel sheets into (number, text) pairs."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lianbing.host import Refused
from training.laws import importers


@pytest.mark.parametrize(
    "text,number",
    [
        ("二十四", 24),
        ("二十五", 25),
        ("五十九", 59),
        ("一百零五", 105),
        ("十", 10),
        ("十二", 12),
        ("一千零一", 1001),
        ("24", 24),
        ("２４", 24),
    ],
)
def test_chinese_numbers(text, number):
    assert importers.chinese_number(text) == number


def test_parse_text_splits_articles_and_skips_chapters():
    text = (
        "第一章 总则\n"
        "第一条 为了保护环境，制定本法。\n"
        "第二条　本法所称环境，是指……\n"
        "包括大气、水。\n"
        "第二章 监督管理\n"
        "第二十四条 现场检查。"
    )
    assert importers.parse_text(text) == [
        (1, "为了保护环境，制定本法。"),
        (2, "本法所称环境，是指……\n包括大气、水。"),
        (24, "现场检查。"),
    ]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="第一二十百条章节 \n甲乙ABC0123", max_size=80))
def test_parse_text_never_crashes(text):
    try:
        articles = importers.parse_text(text)
    except Refused:
        return
    assert all(isinstance(n, int) for n, _ in articles)


def test_excel_import_and_bad_rows(app):

    import pandas as pd

    buf = io.BytesIO()
    pd.DataFrame({"条号": ["第24条", "25"], "条文": ["检查", "查封"]}).to_excel(buf, index=False)
    assert importers.parse_excel(buf.getvalue()) == [(24, "检查"), (25, "查封")]
    bad = io.BytesIO()
    pd.DataFrame({"条号": ["24", "甲"], "条文": ["检查", "查封"]}).to_excel(bad, index=False)
    with pytest.raises(Refused, match="第 3 行"):
        importers.parse_excel(bad.getvalue())
    with pytest.raises(Refused, match="Excel"):
        importers.parse_excel(b"not a workbook")
