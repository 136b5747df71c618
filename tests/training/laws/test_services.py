"""The law library without HTTP: imports all or nothing, stable keys, search, quoting."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from lianbing.extensions import db
from lianbing.host import Refused
from lianbing.markup import render_markdown
from training.laws import services as laws
from training.laws.models import Article


def test_import_is_all_or_nothing(app, library):
    with pytest.raises(Refused, match="重复"):
        laws.import_law(laws.LawData("EPL2014", "环保法"), [(24, "改过的"), (24, "又一次")])
    db.session.rollback()
    assert db.session.scalar(select(Article).where(Article.key == "EPL2014:24")).body.startswith(
        "负有监管职责"
    )


def test_import_refuses_bad_code(app):
    with pytest.raises(Refused, match="法规代码"):
        laws.import_law(laws.LawData("环保:法", "环保法"), [(1, "x")])


def test_article_keys_are_stable_strings(app, library):
    assert {a.key for a in library.articles} == {"EPL2014:24", "EPL2014:25", "EPL2014:59"}
    assert laws.articles_by_keys(["EPL2014:25", "NOPE:1"])["EPL2014:25"].number == 25


@pytest.mark.parametrize(
    "query,key",
    [
        ("查封", "EPL2014:25"),
        ("按日连续处罚", "EPL2014:59"),
        ("现场检查", "EPL2014:24"),
        ("环境保护法", "EPL2014:24"),
    ],
)
def test_search_finds_articles(app, library, query, key):
    assert key in [a.key for a in laws.search(query)]


def test_search_reindexes_on_reimport_and_handles_odd_input(app, library):
    laws.import_law(
        laws.LawData("EPL2014", "中华人民共和国环境保护法"), [(24, "改为：限期整改通知")]
    )
    db.session.commit()
    assert [a.key for a in laws.search("限期整改")] == ["EPL2014:24"]
    assert laws.search("负有监管职责") == []
    for odd in ['"', "%", "_", "AND OR NOT", "查*", ""]:
        assert isinstance(laws.search(odd), list)


XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[点我](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '<div onclick="alert(1)">x</div>',
    "![x](javascript:alert(1))",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    "<body onload=alert(1)>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
]


@pytest.mark.parametrize("payload", XSS)
def test_markdown_payloads_are_neutralised(app, library, payload):
    html = str(
        render_markdown(laws.expand_citations(f"正文\n\n{payload}\n\n[[EPL2014:24]]"))
    ).lower()
    for bad in (
        "<script",
        "onerror",
        "onload",
        "onclick",
        "javascript:",
        "<iframe",
        "<svg",
        "<object",
        "<style",
    ):
        assert bad not in html


def test_import_logs_one_line_for_the_operator(app, make_user, caplog):
    trainer = make_user("trainer", "441400")
    with caplog.at_level(logging.INFO, logger="lianbing.training"):
        law = laws.import_law(
            laws.LawData("WPPL2017", "水污染防治法"), [(10, "甲"), (39, "乙")], actor_id=trainer.id
        )
    [record] = [r for r in caplog.records if r.name == "lianbing.training"]
    assert f"law WPPL2017 imported by user {trainer.id}: 2 articles" in record.getMessage()
    assert (record.actor_id, record.count, record.target) == (
        trainer.id,
        2,
        f"training_law:{law.id}",
    )
