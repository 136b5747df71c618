"""Exports: a record as Word (.docx), an exercise's grades as Excel, a rubric as JSON."""
from __future__ import annotations

import io
import json

import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from lianbing.dbtypes import to_local

from casestudies.models import STATUSES, Submission
from casestudies.records import BODY_LABEL, CONFIRM_LABEL, FIELDS, FOOT, TITLES, header_value


def record_docx(sub: Submission, agency: str) -> bytes:
    """The record laid out like the paper form."""
    kind = sub.exercise.record_type
    doc = Document()
    doc.styles["Normal"].font.size = Pt(11)
    for text, size in ((agency, 12), (TITLES[kind], 16)):
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
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _header_table(doc, kind: str, header: dict) -> None:
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for key, label in FIELDS[kind]:
        row = table.add_row().cells
        row[0].text, row[1].text = label, header_value(key, header.get(key, ""))


def grades_xlsx(subs: list[Submission], criteria: list[dict]) -> bytes:
    """One row per submission: officer, bureau, status, pre-grade, final and each criterion."""
    rows = [_grade_row(sub, criteria) for sub in subs]
    columns = ["执法人员", "单位", "状态", "提交时间", "预评分", "最终得分"] + [f"{c['key']} {c['title']}" for c in criteria]
    out = io.BytesIO()
    pd.DataFrame(rows, columns=columns).to_excel(out, index=False, sheet_name="笔录评分")
    return out.getvalue()


def _grade_row(sub: Submission, criteria: list[dict]) -> list:
    first = next((g for g in sub.grades if g.marker_role == "first"), None)
    scores = first.scores if first else {}
    submitted = to_local(sub.submitted_at).strftime("%Y-%m-%d %H:%M") if sub.submitted_at else ""
    return [sub.user.display_name, sub.user.bureau.short_name, STATUSES[sub.status], submitted,
            (sub.pregrade or {}).get("total"), sub.final_points] + \
        [(scores.get(c["key"]) or {}).get("points") for c in criteria]


def rubric_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
