"""A record as Word (.docx), laid out like the paper form."""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from casestudies.exercises.models import Submission
from casestudies.exercises.records import (
    BODY_LABEL,
    CONFIRM_LABEL,
    FIELDS,
    FOOT,
    TITLES,
    header_value,
)
from lianbing.host import docx_bytes, new_document


def record_docx(sub: Submission, agency: str) -> bytes:
    """The record laid out like the paper form."""
    kind = sub.exercise.record_type
    doc = new_document()
    for text, size in ((agency, 16), (TITLES[kind], 22)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(text).font.size = Pt(size)
    _header_table(doc, kind, sub.header or {})
    doc.add_paragraph(f"{BODY_LABEL[kind]}：")
    for line in (sub.body or "").splitlines():
        doc.add_paragraph(line)
    for pair in sub.qa or []:
        doc.add_paragraph(f"问：{pair.get('q', '')}")
        doc.add_paragraph(f"答：{pair.get('a', '')}")
    doc.add_paragraph(f"{CONFIRM_LABEL}：{sub.confirmation or ''}")
    for key, label in FOOT:
        doc.add_paragraph(f"{label}：{header_value(key, (sub.header or {}).get(key, ''))}")
    return docx_bytes(doc)


def _header_table(doc, kind: str, header: dict) -> None:
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for key, label in FIELDS[kind]:
        row = table.add_row().cells
        row[0].text, row[1].text = label, header_value(key, header.get(key, ""))
