"""The column's Atom feed, written with xml.etree (text is escaped by the serializer)."""

from __future__ import annotations

from datetime import datetime, time, timezone
from xml.etree import ElementTree as ET

from markupsafe import escape

from lianbing.campaign.column.models import ColumnArticle, PenaltyCase
from lianbing.dbtypes import LOCAL_TZ
from lianbing.markup import render_markdown

ATOM = "http://www.w3.org/2005/Atom"


def _sub(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _stamp(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _entry(feed, title: str, url: str, updated: datetime, html: str, summary: str) -> None:
    entry = _sub(feed, "entry")
    _sub(entry, "title", title)
    _sub(entry, "id", url)
    _sub(entry, "link", href=url)
    _sub(entry, "updated", _stamp(updated))
    _sub(entry, "summary", summary)
    _sub(entry, "content", html, type="html")


def case_time(case: PenaltyCase) -> datetime:
    return case.disclosed_at or datetime.combine(case.decided_on, time(), LOCAL_TZ)


def atom_feed(
    title: str,
    self_url: str,
    home_url: str,
    articles: list[tuple[ColumnArticle, str]],
    cases: list[tuple[PenaltyCase, str]],
    now: datetime,
) -> bytes:
    """An Atom 1.0 document of published articles and disclosed cases (each with its public URL)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "title", title)
    _sub(feed, "id", home_url)
    _sub(feed, "link", href=self_url, rel="self")
    _sub(feed, "link", href=home_url)
    stamps = [a.published_at for a, _ in articles] + [case_time(c) for c, _ in cases]
    _sub(feed, "updated", _stamp(max(stamps, default=now)))
    _sub(_sub(feed, "author"), "name", title)
    for article, url in articles:
        _entry(
            feed,
            article.title,
            url,
            article.published_at,
            str(render_markdown(article.body)),
            article.bureau.short_name,
        )
    for case, url in cases:
        _entry(
            feed,
            f"行政处罚：{case.enterprise}",
            url,
            case_time(case),
            f"<p>{escape(case.violation)}</p><p>{escape(case.legal_basis)}</p>",
            case.decision,
        )
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
