"""For the province: each file's 评查单 (Word, A4), the city summary (Excel), one zip package.

The package is written to a temporary file and documents are copied into it from the store in
chunks, so a package of many large scans is never held in memory.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import zipfile

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from openpyxl import Workbook

from casestudies.casefiles import results as results_mod
from casestudies.casefiles import tables
from casestudies.casefiles.models import CATEGORIES, STAGE_DATES, CaseFile, CaseResult
from lianbing.host import open_blob

UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def safe_name(text: str) -> str:
    """A file name part without path separators or characters Windows refuses."""
    return UNSAFE.sub("_", text).strip("_")[:80] or "file"


def review_sheet_docx(case: CaseFile, result: CaseResult) -> bytes:
    """The file's 评查单 on A4: the case, each item's score, comment and page, the outcome."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    doc.styles["Normal"].font.size = Pt(10.5)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(f"{result.group.table.title} · 评查单").font.size = Pt(16)
    _case_table(doc, case)
    _items_table(doc, result)
    verdict = "合格" if result.passed else f"不合格：{result.fail_reason}"
    doc.add_paragraph(f"最终得分：{result.total:g}　　结论：{verdict}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _case_table(doc, case: CaseFile) -> None:
    rows = [
        ("文号", case.case_no),
        ("承办单位", case.bureau.name),
        ("案件类别", case.category_label),
        ("当事人", case.party),
        ("承办人员", "、".join(u.display_name for u in case.officers)),
        (
            "办理节点",
            "；".join(
                f"{v} {getattr(case, k)}" for k, v in STAGE_DATES.items() if getattr(case, k)
            ),
        ),
    ]
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, str(value or "")


def _items_table(doc, result: CaseResult) -> None:
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ("编号", "评查内容", "分值", "得分/结论", "意见（页码）")
    ):
        cell.text = text
    for key, item in tables.item_index(result.group.table).items():
        entry = (result.scores or {}).get(key, {})
        if item["part"] == "veto":
            value, top = ("不合格" if entry.get("failed") else "通过"), "否决项"
        else:
            value, top = f"{entry.get('points', 0):g}", f"{item['points']:g}"
        note = entry.get("comment", "") + (
            f"（第 {entry['page']} 页）" if entry.get("page") else ""
        )
        cells = table.add_row().cells
        for cell, text in zip(
            cells, (key, item.get("stage", "") + " " + item["title"], top, value, note)
        ):
            cell.text = text.strip()


def summary_xlsx(report: results_mod.Report) -> bytes:
    """The city summary: one sheet per level, files last."""
    book = Workbook()
    head = _unit_sheet(book, report)
    _category_sheet(book, report, head)
    _files_sheet(book, report)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _unit_sheet(book: Workbook, report: results_mod.Report) -> list[str]:
    """The first sheet: each county, then the city; returns the header row."""
    sheet = book.active
    sheet.title = "县区汇总"
    head = [
        "单位",
        "案卷数",
        "平均分",
        "90 分以上占比 %",
        "合格率 %",
        *(f"{s}失分" for s in results_mod.STAGES),
    ]
    sheet.append(head)
    for s in [*report.counties, report.city]:
        sheet.append(
            [
                s.label,
                s.count,
                s.average,
                s.excellent_share,
                s.pass_rate,
                *(round(v, 1) for v in s.lost_by_stage.values()),
            ]
        )
    return head


def _category_sheet(book: Workbook, report: results_mod.Report, head: list[str]) -> None:
    cats = book.create_sheet("类别汇总")
    cats.append(head[:5])
    for s in report.categories:
        cats.append([s.label, s.count, s.average, s.excellent_share, s.pass_rate])


def _files_sheet(book: Workbook, report: results_mod.Report) -> None:
    files = book.create_sheet("案卷明细")
    files.append(["文号", "单位", "类别", "当事人", "得分", "结论", "不合格原因"])
    for r in report.results:
        files.append(
            [
                r.case_no,
                r.short_name,
                CATEGORIES[r.category],
                r.party,
                r.total,
                "合格" if r.passed else "不合格",
                r.fail_reason,
            ]
        )


def package_zip(
    cases: list[tuple[CaseFile, CaseResult]], summary: bytes
) -> tempfile.SpooledTemporaryFile:
    """A zip: per file a folder ``<county>_<文号>/`` with its 评查单 and documents, and the summary.

    Returns the archive as a temporary file positioned at 0 (the caller sends and closes it).
    """
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("案卷评查汇总.xlsx", summary)
        for n, (case, result) in enumerate(cases, start=1):
            folder = f"{n:02d}_{safe_name(case.bureau.short_name)}_{safe_name(case.case_no)}"
            archive.writestr(
                f"{folder}/评查单_{safe_name(case.case_no)}.docx", review_sheet_docx(case, result)
            )
            for m, doc in enumerate(case.documents, start=1):
                name = f"{folder}/{m:02d}_{safe_name(doc.type_label)}_{safe_name(doc.filename)}"
                with open_blob(doc.sha256) as src, archive.open(name, "w", force_zip64=True) as dst:
                    shutil.copyfileobj(src, dst, 256 * 1024)
    spool.seek(0)
    return spool
