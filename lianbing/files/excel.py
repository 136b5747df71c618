"""The one Excel writer every export uses: user text stays text, never a formula.

Each string is written as an explicit string cell (``data_type 's'``), so openpyxl never
turns ``=…`` into a formula. A string a spreadsheet could still read as a formula when a
person edits the cell or copies it elsewhere — one starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return (OWASP's list) — also gets Excel's *quote prefix* style, the same
mark Excel sets when someone types a leading apostrophe: the cell shows and keeps the text
exactly, and Excel, LibreOffice and WPS treat it as text on edit. The value itself is not
changed, so a re-imported export (the question bank's template) reads back the same text.

Workbooks are written in openpyxl's write-only (streaming) mode; one very large table of text
and numbers (the full ranking) by ``xlsx_table``, straight as sheet XML with the same rules.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference

from lianbing.dbtypes import LOCAL_TZ

#: a leading character that makes a spreadsheet read a cell as a formula (OWASP CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTES = {'"': "&quot;"}

#: one sheet: a pandas DataFrame, or rows whose first row is the header
Table = Sequence[Sequence] | object


def is_risky(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _plain(value):
    """numpy scalars, NaN and aware datetimes as values openpyxl writes."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalar
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(LOCAL_TZ).replace(tzinfo=None)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters are refused by Excel
    if isinstance(value, (int, float, bool, date)):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _cell(sheet, value):
    value = _plain(value)
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=None)
    cell.value = value
    cell.data_type = "s"
    if is_risky(value):
        cell.quotePrefix = True
    return cell


def _rows(table) -> Iterable[Sequence]:
    if hasattr(table, "itertuples"):  # a pandas DataFrame
        yield [str(c) for c in table.columns]
        yield from table.itertuples(index=False, name=None)
    else:
        yield from table


@dataclass(frozen=True)
class Bars:
    """A bar chart drawn from a sheet's rows: ``labels`` and ``values`` are column numbers
    (1-based) of the rows 2 .. ``rows`` + 1 under the header."""

    sheet: str
    title: str
    labels: int
    values: int
    rows: int
    y_title: str = ""
    anchor: str = "H2"


def _bar_chart(sheet, bars: Bars) -> BarChart:
    chart = BarChart()
    chart.title, chart.y_axis.title = bars.title, bars.y_title
    chart.legend = None
    last = bars.rows + 1
    data = Reference(sheet, min_col=bars.values, min_row=1, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=bars.labels, min_row=2, max_row=last))
    chart.width, chart.height = 18, 9
    return chart


def xlsx_bytes(sheets: Mapping[str, Table], charts: Sequence[Bars] = ()) -> bytes:
    """One workbook, a sheet per entry in order; every string written as safe text; bar
    charts drawn from the sheets' own cells."""
    book = Workbook(write_only=True)
    made = {}
    for name, table in sheets.items():
        sheet = made[name] = book.create_sheet(name[:31])
        for row in _rows(table):
            sheet.append([_cell(sheet, v) for v in row])
    for bars in charts:
        made[bars.sheet].add_chart(_bar_chart(made[bars.sheet], bars), bars.anchor)
    if not sheets:
        book.create_sheet("Sheet1")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- one large table, written straight as sheet XML ----------------------------------------

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/></Relationships>'
    ),
    # style 1: the quote prefix of a risky string (see the module's docstring)
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        '</cellStyleXfs><cellXfs count="2">'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
        '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
        "</cellStyles></styleSheet>"
    ),
}
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)


def _xml_cell(value) -> str:
    """One cell's XML: text as inline strings (never a formula), numbers and booleans as such."""
    value = _plain(value)
    if value is None:
        return "<c/>"
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f"<c><v>{value!r}</v></c>"
    if not isinstance(value, str):
        raise TypeError(f"xlsx_table writes text and numbers, not {type(value).__name__}")
    style = ' s="1"' if is_risky(value) else ""
    return f'<c t="inlineStr"{style}><is><t xml:space="preserve">{_text(value)}</t></is></c>'


def _text(value: str) -> str:
    """XML text; a carriage return (XML readers turn a bare one into a line feed) as &#13;."""
    return escape(value).replace("\r", "&#13;")


def xlsx_table(name: str, rows: Iterable[Sequence]) -> bytes:
    """One sheet of text and numbers (the first row its header), written as sheet XML row by
    row into the zip: for tables of tens of thousands of rows, several times faster than the
    cell objects of ``xlsx_bytes`` and never holding more than one row, with the same safety
    (text is inline text, a risky string gets the quote prefix)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for part, xml in _PARTS.items():
            book.writestr(part, xml)
        book.writestr("xl/workbook.xml", _WORKBOOK.format(name=escape(name[:31], _QUOTES)))
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(_SHEET_HEAD.encode())
            for row in rows:
                sheet.write(f"<row>{''.join(_xml_cell(v) for v in row)}</row>".encode())
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()
