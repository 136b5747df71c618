"""Excel (the host's safe writer) and Word (python-docx) exports of rankings and recommendations."""

from __future__ import annotations

import io

import pandas as pd
from docx import Document
from docx.shared import Pt

from lianbing.accounts.models import User
from lianbing.campaign.models import Campaign
from lianbing.dbtypes import to_local
from lianbing.files.excel import xlsx_bytes
from lianbing.ledger import services as ledger
from lianbing.parts import registry
from lianbing.rankings import awards, breakdown, measures, nominations, rules
from lianbing.rankings.ranking import (
    AVAILABLE,
    BUREAU,
    BUREAU_RANK,
    CITY_RANK,
    COMPOSITE,
    EARNED,
    ENTRIES,
    NAME,
    REASONS,
    Ranking,
    ranking_for,
)


def _xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    return xlsx_bytes(sheets)


def _docx(doc: Document) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _table(doc: Document, frame: pd.DataFrame) -> None:
    table = doc.add_table(rows=1, cols=len(frame.columns))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, frame.columns):
        cell.text = str(name)
    for values in frame.itertuples(index=False):
        for cell, value in zip(table.add_row().cells, values):
            cell.text = "" if value is None else str(value)


def ranking_table(ranking: Ranking) -> tuple[list[str], list[list]]:
    """The whole ranking, one row per officer, with the share of every counted kind.

    Read straight from the ranking's compact tuples (no Row objects for ten thousand officers).
    """
    labels = registry().kinds
    head = [
        "市排名",
        "单位排名",
        "姓名",
        "单位",
        "综合得分",
        *(f"{labels[k].label}得分率%" for k in ranking.kinds),
        "成绩条数",
        "推荐资格",
    ]
    counted = [ranking.columns.index(k) for k in ranking.kinds]
    return head, [
        [
            t[CITY_RANK],
            t[BUREAU_RANK],
            t[NAME],
            t[BUREAU],
            round(t[COMPOSITE], 2),
            *(
                round(100 * t[EARNED][i] / t[AVAILABLE][i], 1) if t[AVAILABLE][i] else 0.0
                for i in counted
            ),
            t[ENTRIES],
            "；".join(t[REASONS]) if t[REASONS] else "符合",
        ]
        for t in ranking.data
    ]


def ranking_xlsx(campaign: Campaign) -> bytes:
    """The full ranking as a streamed (write-only) workbook: ten thousand rows in about a second."""
    head, rows = ranking_table(ranking_for(campaign))
    return xlsx_bytes({"综合排名": [head, *rows]})


def recommendation_frame(campaign: Campaign) -> pd.DataFrame:
    ranking = ranking_for(campaign)
    bureau_rows = {b.bureau_id: b for b in measures.bureau_ranking(ranking)}
    rows = []
    for rec in nominations.recommendations(campaign.id):
        if rec.bureau_id:
            b = bureau_rows.get(rec.bureau_id)
            rows.append(
                [
                    rules.PROVINCE_CATEGORIES[rec.category],
                    b.name if b else "",
                    "",
                    "",
                    b.score if b else "",
                    b.rank if b else "",
                    "",
                ]
            )
            continue
        nom = rec.nomination
        row = ranking.row_of(nom.user_id)
        rows.append(
            [
                rules.PROVINCE_CATEGORIES[rec.category],
                row.bureau if row else "",
                nom.user.display_name,
                nom.user.cert_no or "",
                row.composite if row else "",
                row.city_rank if row else "",
                nom.justification,
            ]
        )
    return pd.DataFrame(
        rows, columns=["推荐类别", "单位", "姓名", "执法证号", "综合得分", "排名", "主要事迹"]
    )


def recommendations_xlsx(campaign: Campaign) -> bytes:
    return _xlsx({"推荐名单": recommendation_frame(campaign)})


def recommendations_docx(campaign: Campaign) -> bytes:
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.add_heading(f"{campaign.name}先进集体和先进个人推荐名单", level=1)
    _table(doc, recommendation_frame(campaign))
    return _docx(doc)


def candidate_frames(campaign: Campaign, user: User) -> dict[str, pd.DataFrame]:
    """An officer's record: scores by kind, every ledger line, awards."""
    ranking = ranking_for(campaign)
    kinds = pd.DataFrame(
        [
            (
                k.label,
                k.weight,
                round(k.earned, 2),
                round(k.available, 2),
                round(100 * k.share, 1),
                round(k.contribution, 2),
            )
            for k in breakdown.kind_lines(ranking, user.id)
        ],
        columns=["活动类型", "权重", "得分", "可得分", "得分率%", "综合得分贡献"],
    )
    labels = registry().kinds
    lines = pd.DataFrame(
        [
            (
                to_local(e.achieved_at).strftime("%Y-%m-%d %H:%M"),
                labels[e.kind].label if e.kind in labels else e.kind,
                e.title,
                e.points,
                e.max_points,
            )
            for e in ledger.entries_for(user.id, campaign.id)
        ],
        columns=["时间", "活动类型", "项目", "得分", "满分"],
    )
    award_rows = pd.DataFrame(
        [
            (a.category, a.title, a.points, a.reason, a.status)
            for a in awards.for_user(campaign.id, user.id)
        ],
        columns=["类别", "事项", "加分", "理由", "状态"],
    )
    return {"分类得分": kinds, "活动明细": lines, "实战练兵加分": award_rows}


def _summary(campaign: Campaign, user: User) -> list[tuple[str, str]]:
    row = ranking_for(campaign).row_of(user.id)
    return [
        ("姓名", user.display_name),
        ("单位", user.bureau.name),
        ("执法证号", user.cert_no or ""),
        ("综合得分", f"{row.composite:.2f}" if row else "—"),
        ("全市排名", str(row.city_rank) if row else "—"),
        ("本单位排名", str(row.bureau_rank) if row else "—"),
    ]


def candidate_xlsx(campaign: Campaign, user: User) -> bytes:
    summary = pd.DataFrame(_summary(campaign, user), columns=["项目", "内容"])
    return _xlsx({"基本情况": summary, **candidate_frames(campaign, user)})


def candidate_docx(campaign: Campaign, user: User, justification: str = "") -> bytes:
    doc = Document()
    doc.add_heading(f"{campaign.name}先进个人推荐表", level=1)
    _table(doc, pd.DataFrame(_summary(campaign, user), columns=["项目", "内容"]))
    if justification:
        doc.add_heading("主要事迹", level=2)
        doc.add_paragraph(justification)
    for title, frame in candidate_frames(campaign, user).items():
        doc.add_heading(title, level=2)
        _table(doc, frame)
    return _docx(doc)
