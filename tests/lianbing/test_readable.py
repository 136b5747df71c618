"""People read words, not codes: every role's pages, crawled from the home page over the full
demo (ledger lines with demo references, audit rows with JSON changes, graded records with their
history, case lessons citing articles the library lacks), show in their visible text no
``\\uXXXX`` escape, no ``None``, no ``demo:`` reference and no dotted audit action code."""

from __future__ import annotations

import html
import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from lianbing.audit import services as audit
from lianbing.audit.labels import ACTION_LABELS
from lianbing.audit.models import AuditLog
from lianbing.extensions import db

ROLES = {
    "officer": "officer_441402_1",
    "trainer": "trainer",
    "bureau_admin": "admin_441402",
    "city_admin": "city_admin",
}
PAGES_PER_ROLE = 120
DEPTH = 3
#: links that are files, sign-outs or another person's session, not pages to read
SKIPPED = re.compile(
    r"^/(static|logout|api)/|/logout$|\.(xlsx|docx|pdf|json|csv|xml|txt|atom|svg|png|ico)$"
    r"|/(download|attachment|print|evidence|board\.json|state)(/|$)"
)
HIDDEN = re.compile(r"(?is)<(script|style|template|head)\b.*?</\1\s*>|<!--.*?-->")
TAG = re.compile(r"(?s)<[^>]+>")
#: what people also read in a tag: the text a field shows and its hint
SHOWN_ATTRS = re.compile(r'(?:placeholder|title|aria-label|alt)="([^"]*)"')
SHOWN_VALUE = re.compile(r'<input(?![^>]*type="(?:hidden|checkbox|radio)")[^>]*\svalue="([^"]*)"')
FORBIDDEN = {
    "escape": re.compile(r"\\u[0-9a-fA-F]{4}"),
    "None": re.compile(r"\bNone\b"),
    "demo ref": re.compile(r"demo:"),
}


def visible_text(page: str) -> str:
    """What a person can read on the page: text outside scripts and tags, plus field values."""
    body = HIDDEN.sub(" ", page)
    shown = SHOWN_ATTRS.findall(body) + SHOWN_VALUE.findall(body)
    return html.unescape(" ".join([TAG.sub(" ", body), *shown]))


def _codes() -> re.Pattern:
    """Every audit action code known or present, as a whole dotted word."""
    present = set(db.session.scalars(select(AuditLog.action).distinct()))
    codes = sorted(set(ACTION_LABELS) | present, key=len, reverse=True)
    return re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, codes)) + r")(?![\w.])")


def _links(page: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"#]+)', page):
        href = html.unescape(href)
        parts = urlsplit(href)
        if not parts.netloc and href.startswith("/") and not SKIPPED.search(parts.path):
            found.append(href)
    return found


def _shape(url: str) -> str:
    """One visit per route shape: ids and query values do not make a new page."""
    parts = urlsplit(url)
    keys = sorted(k.split("=")[0] for k in parts.query.split("&") if k)
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def crawl(client, start: str = "/home"):
    """(url, page) for the pages reachable from ``start``, breadth first, one per shape."""
    queue, seen, read = deque([(start, 0)]), {_shape(start)}, 0
    while queue and read < PAGES_PER_ROLE:
        url, depth = queue.popleft()
        r = client.get(url)
        if r.status_code != 200 or not r.mimetype.startswith("text/html"):
            continue
        page, read = r.get_data(as_text=True), read + 1
        yield url, page
        for link in _links(page) if depth < DEPTH else ():
            if _shape(link) not in seen:
                seen.add(_shape(link))
                queue.append((link, depth + 1))


@pytest.fixture
def lived_in(flask_demo):
    """The full demo, plus audit rows whose changes hold non-ASCII JSON and an unknown code."""
    audit.write("recommendation.add", "recommendation", 1, new={"statement": "测试推荐", "n": None})
    audit.write("widget.frobnicate", "widget", 7, old={"名称": "旧"}, new={"名称": "新"})
    db.session.commit()


@pytest.mark.parametrize("role", list(ROLES))
def test_no_codes_in_what_people_read(client, auth, lived_in, role):
    auth.login(ROLES[role])
    codes, hits, pages = _codes(), [], 0
    for url, page in crawl(client):
        pages += 1
        text = visible_text(page)
        for name, pattern in {**FORBIDDEN, "action code": codes}.items():
            for m in pattern.finditer(text):
                hits.append(f"{url}: {name}: …{text[max(0, m.start() - 30) : m.end() + 30]}…")
    assert pages >= 10, pages  # the crawl really walked the role's pages
    assert not hits, "\n".join(hits[:40])


def test_visible_text_sees_what_people_see():
    page = (
        '<html><head><title>None</title></head><body><script>var a = "\\u6d4b";</script>'
        '<p data-ref="demo:quiz:1">知识竞赛：测验</p><input type="hidden" value="None">'
        '<input name="x" value="None"><p>&quot;recommendation.add&quot;</p></body></html>'
    )
    text = visible_text(page)
    assert "demo:" not in text and "\\u6d4b" not in text
    assert text.count("None") == 1 and '"recommendation.add"' in text


def test_every_page_template_names_itself():
    """A page without its own title reads "练兵 · 练兵" in the browser's tab and history."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    nameless = [
        str(path.relative_to(root))
        for top in ("lianbing", "training", "quizzes", "casestudies")
        for path in (root / top).rglob("*.html")
        if '{% extends "base.html" %}' in (text := path.read_text("utf-8"))
        and "{% block title %}" not in text
    ]
    assert not nameless, nameless
