"""The summary as a Word document (A4, GB/T 9704, through lianbing.documents) and the
figures as an Excel workbook with charts (through lianbing.files.excel)."""

from __future__ import annotations

from lianbing import documents
from lianbing.accounts.models import Bureau
from lianbing.campaign.models import Campaign
from lianbing.campaign.report.figures import PEOPLE, Column
from lianbing.campaign.report.models import ProvinceReport
from lianbing.campaign.report.services import SECTIONS
from lianbing.files.excel import Bars, xlsx_bytes
from lianbing.parts import ReportFigure

HEAD = ["类别", "项目", "数值"]
RATE = "参与率（%）"


def title(campaign: Campaign, bureau: Bureau) -> str:
    return f"{bureau.name}{campaign.name}工作总结"


def figure_rows(figures: list[ReportFigure]) -> list[list]:
    return [[f.section, f.label, f.value] for f in figures]


def table_rows(columns: list[Column]) -> tuple[list[str], list[list]]:
    """Head and rows of the city's table: one row per figure, one column per scope."""
    head = ["类别", "项目", *(c.name for c in columns)]
    first = columns[0].figures if columns else []
    rows = [[f.section, f.label, *(c.value(f.section, f.label) for c in columns)] for f in first]
    return head, rows


def summary_docx(
    campaign: Campaign,
    bureau: Bureau,
    report: ProvinceReport | None,
    figures: list[ReportFigure],
    columns: list[Column] | None = None,
) -> bytes:
    """The bureau's text sections, then its figures; the city's also has the county table."""
    doc = documents.new_document()
    documents.add_title(doc, title(campaign, bureau))
    texts = (report.sections if report else None) or {}
    for key, heading in SECTIONS.items():
        documents.add_heading(doc, heading)
        for paragraph in (texts.get(key) or "（未填写）").splitlines():
            if paragraph.strip():
                doc.add_paragraph(paragraph.strip())
    documents.add_heading(doc, "附表1：练兵活动数据统计")
    documents.add_table(doc, HEAD, figure_rows(figures))
    if columns:
        documents.add_heading(doc, "附表2：各县（市、区）练兵活动数据对比")
        head, rows = table_rows(columns)
        documents.add_table(doc, head[1:], [row[1:] for row in rows])
    return documents.to_bytes(doc)


def summary_xlsx(figures: list[ReportFigure], columns: list[Column] | None = None) -> bytes:
    """The figures sheet; the city's also has the county table and the participation chart."""
    sheets = {"练兵数据统计": [HEAD, *figure_rows(figures)]}
    charts = []
    if columns:
        head, rows = table_rows(columns)
        sheets["各县对比"] = [head, *rows]
        counties = [c for c in columns if c.bureau is not None]
        sheets["参与率"] = [
            ["单位", "执法人员（人）", RATE],
            *([c.name, c.value(PEOPLE, "执法人员（人）"), c.value(PEOPLE, RATE)] for c in counties),
        ]
        charts.append(Bars("参与率", "各县（市、区）练兵参与率", 1, 3, len(counties), "%", "E2"))
    return xlsx_bytes(sheets, charts)
