"""Word (.docx) export of bulletins with python-docx."""

from __future__ import annotations

import re

from lianbing.campaign.bulletins.models import Bulletin
from lianbing.documents import add_title, new_document, to_bytes

HEADING = re.compile(r"^(#{1,4})\s+(.*)$")
BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
INLINE = re.compile(r"(\*\*|__|`)")


def _plain(text: str) -> str:
    """Drop inline Markdown markers; Word gets the words."""
    return INLINE.sub("", text)


def add_markdown(doc, text: str) -> None:
    """Headings, list items and paragraphs of a Markdown text as Word paragraphs."""
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        if m := HEADING.match(line):
            doc.add_heading(_plain(m.group(2)), level=min(len(m.group(1)) + 1, 4))
        elif m := BULLET.match(line):
            doc.add_paragraph(_plain(m.group(1)), style="List Bullet")
        elif m := NUMBERED.match(line):
            doc.add_paragraph(_plain(m.group(1)), style="List Number")
        else:
            doc.add_paragraph(_plain(line))


def _add_bulletin(doc, bulletin: Bulletin, attachments: list[str]) -> None:
    doc.add_heading(bulletin.title, level=1)
    status = "逾期报送" if bulletin.is_late else "按时报送"
    doc.add_paragraph(
        f"{bulletin.bureau.name} · {bulletin.period.year}年{bulletin.period.month}月 · {status}"
    )
    add_markdown(doc, bulletin.body)
    if attachments:
        doc.add_paragraph("附件：" + "、".join(attachments))


def bulletins_docx(items: list[tuple[Bulletin, list[str]]], title: str | None = None) -> bytes:
    """One document holding the given bulletins (with their attachment names), page after page."""
    doc = new_document()
    if title:
        add_title(doc, title)
    for index, (bulletin, attachments) in enumerate(items):
        if index:
            doc.add_page_break()
        _add_bulletin(doc, bulletin, attachments)
    return to_bytes(doc)
