"""The column's Atom feed."""

from __future__ import annotations

from datetime import date, datetime

from defusedxml import ElementTree as SafeET

from lianbing.campaign.column import exporters as feed
from lianbing.campaign.column import services as column
from lianbing.dbtypes import local_to_utc


def local(*args) -> datetime:
    """An aware UTC datetime from a Shanghai wall-clock time."""
    return local_to_utc(datetime(*args))


def test_atom_feed_is_well_formed_and_escaped(demo_people, campaign, bureau):
    article = column.save_article(
        None,
        campaign.id,
        bureau("441402").id,
        column.ArticleData("<script>alert(1)</script> & 标题", "正文 <b>粗</b>"),
        author_id=None,
    )
    column.publish(article)
    case = column.add_case(
        campaign.id,
        column.CaseData("某厂<img>", "超标<script>", "依据", "罚款", date(2017, 8, 1)),
        disclose=True,
    )
    xml = feed.atom_feed(
        "专栏",
        "http://x/feed",
        "http://x/",
        [(article, "http://x/a/1")],
        [(case, "http://x/c/1")],
        local(2017, 9, 1, 9),
    )
    root = SafeET.fromstring(xml)
    ns = {"a": feed.ATOM}
    titles = [e.text for e in root.findall("a:entry/a:title", ns)]
    assert titles == ["<script>alert(1)</script> & 标题", "行政处罚：某厂<img>"]
    assert b"<script>" not in xml
    contents = [e.text for e in root.findall("a:entry/a:content", ns)]
    assert "&lt;script&gt;" in contents[1]
