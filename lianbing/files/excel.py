"""The one Excel writer every export uses: user text stays text, never a formula.

Each string is written as an explicit string cell (``data_type 's'``), so openpyxl never
turns ``=…`` into a formula. A string a spreadsheet could still read as a formula when a
person edits the cell or copies it elsewhere — one starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return (OWASP's list) — also gets Excel's *quote prefix* style, the same
mark Excel sets when someone types a leading apostrophe: the cell shows and keeps the text
exactly, and Excel, LibreOffice and WPS treat it as text on edit. The value itself is not
changed, so a re-imported export (the question bank's template) reads back the same text.

Workbooks are written in openpyxl's write-only (streaming) mode.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference

from lianbing.dbtypes import LOCAL_TZ

#: a leading character that makes a spreadsheet read a cell as a formula (OWASP CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

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
