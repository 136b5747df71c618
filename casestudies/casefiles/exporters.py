"""For the province: each file's 评查单 (Word, A4), the city summary (Excel), one zip package.

The package is written to a temporary file and documents are copied into it from the store in
chunks, so a package of many large scans is never held in memory.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile

from casestudies.casefiles import results as results_mod
from casestudies.casefiles import tables
from casestudies.casefiles.models import CATEGORIES, STAGE_DATES, CaseFile, CaseResult
from lianbing.host import docx_bytes, docx_table, docx_title, new_document, open_blob, xlsx_bytes

UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def safe_name(text: str) -> str:
    """A file name part without path separators or characters Windows refuses."""
    return UNSAFE.sub("_", text).strip("_")[:80] or "file"


def review_sheet_docx(case: CaseFile, result: CaseResult) -> bytes:
    """The file's 评查单 on A4 (the host's official layout): the case, each item, the outcome."""
    doc = new_document()
    docx_title(doc, f"{result.group.table.title} · 评查单")
    docx_table(doc, ["项目", "内容"], _case_rows(case))
    docx_table(doc, ["编号", "评查内容", "分值", "得分/结论", "意见（页码）"], _item_rows(result))
    verdict = "合格" if result.passed else f"不合格：{result.fail_reason}"
    doc.add_paragraph(f"最终得分：{result.total:g}　　结论：{verdict}")
    return docx_bytes(doc)


def _case_rows(case: CaseFile) -> list[list]:
    stages = "；".join(
        f"{v} {getattr(case, k)}" for k, v in STAGE_DATES.items() if getattr(case, k)
    )
    return [
        ["文号", case.case_no],
        ["承办单位", case.bureau.name],
        ["案件类别", case.category_label],
        ["当事人", case.party],
        ["承办人员", "、".join(u.display_name for u in case.officers)],
        ["办理节点", stages],
    ]


def _item_rows(result: CaseResult) -> list[list]:
    rows = []
    for key, item in tables.item_index(result.group.table).items():
        entry = (result.scores or {}).get(key, {})
        if item["part"] == "veto":
            value, top = ("不合格" if entry.get("failed") else "通过"), "否决项"
        else:
            value, top = f"{entry.get('points', 0):g}", f"{item['points']:g}"
        page = f"（第 {entry['page']} 页）" if entry.get("page") else ""
        title = (item.get("stage", "") + " " + item["title"]).strip()
        rows.append([key, title, top, value, entry.get("comment", "") + page])
    return rows


UNIT_HEAD = ["单位", "案卷数", "平均分", "90 分以上占比 %", "合格率 %"]


def summary_xlsx(report: results_mod.Report) -> bytes:
    """The city summary through the host's formula-safe writer: counties, categories, files."""
    return xlsx_bytes(
        {
            "县区汇总": _unit_rows(report),
            "类别汇总": _category_rows(report),
            "案卷明细": _file_rows(report),
        }
    )


def _unit_rows(report: results_mod.Report) -> list[list]:
    head = [*UNIT_HEAD, *(f"{s}失分" for s in results_mod.STAGES)]
    return [head] + [
        [
            s.label,
            s.count,
            s.average,
            s.excellent_share,
            s.pass_rate,
            *(round(v, 1) for v in s.lost_by_stage.values()),
        ]
        for s in [*report.counties, report.city]
    ]


def _category_rows(report: results_mod.Report) -> list[list]:
    return [UNIT_HEAD] + [
        [s.label, s.count, s.average, s.excellent_share, s.pass_rate] for s in report.categories
    ]


def _file_rows(report: results_mod.Report) -> list[list]:
    head = ["文号", "单位", "类别", "当事人", "得分", "结论", "不合格原因"]
    return [head] + [
        [
            r.case_no,
            r.short_name,
            CATEGORIES[r.category],
            r.party,
            r.total,
            "合格" if r.passed else "不合格",
            r.fail_reason,
        ]
        for r in report.results
    ]


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
