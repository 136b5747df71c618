"""A corpus of hostile upload files, generated (nothing is stored in the repository), and the
importers they are sent to. Used by test_hostile_uploads.py and bench/bench_hostile_uploads.py.
"""

from __future__ import annotations

import io
import random
import zipfile

from openpyxl import Workbook

MB = 1024 * 1024

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
    "</Types>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main"><sheets><sheet name="Sheet1" sheetId="1"/></sheets></workbook>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main">'
)


def _zip(members: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return out.getvalue()


def _sheet_book(sheet_xml: str | bytes, **extra) -> bytes:
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "xl/workbook.xml": WORKBOOK,
            "xl/worksheets/sheet1.xml": sheet_xml,
            **extra,
        }
    )


def _rows_xml(rows: int, dimension: str | None = None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    body = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, rows + 1))
    return f"{SHEET_HEAD}{dim}<sheetData>{body}</sheetData></worksheet>"


def _openpyxl_book(fill) -> bytes:
    book = Workbook()
    fill(book.active)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _valid() -> bytes:
    def fill(ws):
        ws.append(["姓名", "用户名", "所属单位", "角色"])
        for i in range(200):
            ws.append([f"张{i}", f"user{i}", "441402", "执法人员"])

    return _openpyxl_book(fill)


def _far_cell() -> bytes:
    def fill(ws):
        ws["A1"] = "题型"
        ws["XFD6000"] = "x"

    return _openpyxl_book(fill)


def _wide() -> bytes:
    return _openpyxl_book(lambda ws: ws.append([f"列{i}" for i in range(200)]))


def _padding_bomb(size: int) -> bytes:
    """A sheet whose XML is mostly whitespace: tiny packed, huge unpacked."""
    return _sheet_book(SHEET_HEAD + "<sheetData>" + " " * size + "</sheetData></worksheet>")


def _shared_strings(size: int) -> bytes:
    rng = random.Random(7)
    text = "".join(rng.choice("环境执法大气水土壤噪声固废罚款") for _ in range(size // 3))
    sst = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>{text}</t></si></sst>'
    )
    cell = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    sheet = f"{SHEET_HEAD}<sheetData>{cell}</sheetData></worksheet>"
    return _sheet_book(sheet, **{"xl/sharedStrings.xml": sst})


def _laughs() -> bytes:
    dtd = '<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)
    )
    sheet = (
        '<?xml version="1.0"?>'
        + dtd
        + "]>"
        + SHEET_HEAD.split("?>", 1)[1]
        + '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    return _sheet_book(sheet)


def _many_members() -> bytes:
    return _zip({f"xl/media/m{i}.xml": "<a/>" for i in range(3000)} | {"xl/workbook.xml": WORKBOOK})


def _docx_named_xlsx() -> bytes:
    return _zip({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": "<w:document/>"})


#: declares one cell, holds one at row 150,000
LIAR = (
    f'{SHEET_HEAD}<dimension ref="A1"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
    '<row r="150000"><c r="A150000"><v>2</v></c></row></sheetData></worksheet>'
)


def corpus() -> list[tuple[str, str, bytes]]:
    """(what it is, file name, bytes): at least fifteen hostile files."""
    valid = _valid()
    return [
        ("a 0-byte file", "empty.xlsx", b""),
        ("text in an .xlsx name", "text.xlsx", "这不是表格\n".encode() * 100),
        ("a truncated workbook", "truncated.xlsx", valid[: len(valid) * 3 // 5]),
        ("a zip bomb over 50 MB unpacked", "bomb.xlsx", _padding_bomb(80 * MB)),
        ("a compression-ratio bomb", "ratio.xlsx", _padding_bomb(12 * MB)),
        ("one cell at XFD6000", "far.xlsx", _far_cell()),
        ("200 columns", "wide.xlsx", _wide()),
        ("a dimension that lies", "liar.xlsx", _sheet_book(LIAR)),
        ("100,001 rows", "rows.xlsx", _sheet_book(_rows_xml(100_001))),
        ("huge shared strings", "strings.xlsx", _shared_strings(6 * MB)),
        ("entity expansion in a sheet", "laughs.xlsx", _laughs()),
        ("3,000 zip members", "members.xlsx", _many_members()),
        ("an old .xls renamed", "old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000),
        ("a PNG renamed", "image.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 2000),
        ("a .docx renamed", "doc.xlsx", _docx_named_xlsx()),
        ("JSON nested 200,000 deep", "deep.json", b"[" * 200_000 + b"]" * 200_000),
        ("JSON over the size limit", "big.json", b'{"title": "' + b"x" * 700_000 + b'"}'),
        ("JSON in GBK", "gbk.json", '{"title": "量表"}'.encode("gb18030")),
        ("a CSV with NULs", "nul.csv", "题型,题干,答案\n单选,\x00\x00\x00,A\n".encode()),
        ("a CSV with a 200 KB field", "long.csv", b'"' + b"x" * 200_000 + b"\n"),
        ("binary noise as text", "noise.txt", random.Random(3).randbytes(20_000)),
    ]


#: (label, role, url, form fields besides the file, file suffixes the form accepts)
IMPORTERS = [
    ("roster", "city_admin", "/roster/import", {"default_password": "import-pass-1"}, (".xlsx",)),
    ("question bank", "trainer", "/quizzes/import", {"bank": "敌意文件", "fmt": "auto"}, ()),
    (
        "law text",
        "trainer",
        "/training/laws/import",
        {"code": "HOSTILE1", "name": "敌意文件"},
        (".xlsx", ".txt"),
    ),
    ("rubric", "trainer", "/casestudies/rubrics/import", {}, (".json",)),
]


def names_for(filename: str, suffixes: tuple[str, ...]) -> list[str]:
    """The file under its own name, and renamed to each suffix the importer accepts."""
    stem = filename.rsplit(".", 1)[0]
    return list(dict.fromkeys([filename, *(stem + s for s in suffixes)]))
