"""The one Word document helper: A4 pages laid out as Chinese official documents (GB/T 9704).

Every Word export (rankings, bulletins, case-study records) starts from :func:`new_document`
and ends with :func:`to_bytes`, so all share the page size, margins and fonts:
A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; body 仿宋 16 pt (三号);
titles 小标宋 (黑体 where the reader lacks it) 22 pt (二号). Scores go through
:func:`score_text`, the same rounding the pages use.
"""

from __future__ import annotations

import io
from decimal import ROUND_HALF_UP, Decimal

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

A4 = (Mm(210), Mm(297))
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
BODY_FONT, BODY_SIZE = "仿宋", Pt(16)
TITLE_FONT, TITLE_SIZE = "方正小标宋简体", Pt(22)
HEADING_FONT, HEADING_SIZE = "黑体", Pt(16)
TABLE_SIZE = Pt(10.5)
TABLE_TEXT = "表格文字"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def score(value: float | None, places: int = 2) -> float | None:
    """A score rounded half up to ``places`` decimals: the one rounding pages and exports use."""
    if value is None or value == "":
        return None
    step = Decimal(1).scaleb(-places)
    return float(Decimal(str(float(value))).quantize(step, rounding=ROUND_HALF_UP))


def score_text(value: float | None, places: int = 2) -> str:
    """A score as text, e.g. ``83.81`` (``—`` when there is none)."""
    rounded = score(value, places)
    return "—" if rounded is None else f"{rounded:.{places}f}"


def _font(style_or_run, name: str, size) -> None:
    style_or_run.font.name = name
    style_or_run.font.size = size
    element = style_or_run.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


def new_document() -> Document:
    """An empty A4 document with GB/T 9704 margins and fonts."""
    doc = Document()
    for section in doc.sections:
        section.page_width, section.page_height = A4
        section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
        section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    _font(doc.styles["Normal"], BODY_FONT, BODY_SIZE)
    for level in (1, 2, 3):
        style = doc.styles[f"Heading {level}"]
        _font(style, HEADING_FONT, HEADING_SIZE)
        style.font.bold = False
    _font(doc.styles["Title"], TITLE_FONT, TITLE_SIZE)
    return doc


def add_title(doc: Document, text: str) -> None:
    """The document's title: centred, 小标宋 22 pt."""
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run(text), TITLE_FONT, TITLE_SIZE)


def add_heading(doc: Document, text: str) -> None:
    """A section heading: 黑体 三号."""
    doc.add_heading(text, level=2)


def _table_text_style(doc: Document):
    """The character style of table text (仿宋 10.5 pt), added to the document once."""
    try:
        return doc.styles[TABLE_TEXT]
    except KeyError:
        style = doc.styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.CHARACTER)
        _font(style, BODY_FONT, TABLE_SIZE)
        return style


def _styled_run(paragraph, text: str, style_id: str) -> None:
    """Append ``<w:r><w:rPr><w:rStyle/></w:rPr><w:t>text</w:t></w:r>`` to a ``<w:p>``."""
    run = etree.SubElement(paragraph, qn("w:r"))
    etree.SubElement(etree.SubElement(run, qn("w:rPr")), qn("w:rStyle")).set(qn("w:val"), style_id)
    node = etree.SubElement(run, qn("w:t"))
    node.text = text
    node.set(XML_SPACE, "preserve")


def add_table(doc: Document, head: list[str], rows: list[list]) -> None:
    """A gridded table, smaller text so wide tables fit the A4 text width.

    The table is made at its full size and each cell's text is one run in the table text
    style: setting fonts run by run, and adding rows one by one, cost seconds for a table of
    a few hundred cells.
    """
    style_id = _table_text_style(doc).style_id
    table = doc.add_table(rows=len(rows) + 1, cols=len(head))
    table.style = "Table Grid"
    for row, values in zip(table.rows, [head, *rows]):
        for cell, value in zip(row.cells, values):
            if value is not None and value != "":
                _styled_run(cell._tc.p_lst[0], str(value), style_id)


def to_bytes(doc: Document) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
