"""Excel (the host's safe writer) and Word (the host's document helper) exports of rankings
and recommendations."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain

import pandas as pd

from lianbing.accounts.models import User
from lianbing.campaign.models import Campaign
from lianbing.dbtypes import to_local
from lianbing.documents import (
    add_heading,
    add_table,
    add_title,
    new_document,
    score,
    score_text,
    to_bytes,
)
from lianbing.files.excel import xlsx_bytes, xlsx_table
from lianbing.ledger import services as ledger
from lianbing.parts import registry
from lianbing.rankings import awards, breakdown, closing, nominations, rules
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


def _table(doc, frame: pd.DataFrame) -> None:
    add_table(doc, list(frame.columns), [list(v) for v in frame.itertuples(index=False)])


def ranking_head(ranking: Ranking) -> list[str]:
    labels = registry().kinds
    return [
        "市排名",
        "单位排名",
        "姓名",
        "单位",
        "综合得分",
        *(f"{labels[k].label}得分率%" for k in ranking.kinds),
        "成绩条数",
        "推荐资格",
    ]


def ranking_rows(ranking: Ranking) -> Iterator[list]:
    """The ranking's rows one at a time (an export of 100,000 never holds them all)."""
    counted = [ranking.columns.index(k) for k in ranking.kinds]
    for t in ranking.data:
        yield [
            t[CITY_RANK],
            t[BUREAU_RANK],
            t[NAME],
            t[BUREAU],
            score(t[COMPOSITE]),
            *(
                score(100 * t[EARNED][i] / t[AVAILABLE][i], 1) if t[AVAILABLE][i] else 0.0
                for i in counted
            ),
            t[ENTRIES],
            "；".join(t[REASONS]) if t[REASONS] else "符合",
        ]


def ranking_xlsx(ranking: Ranking) -> bytes:
    """The full ranking, written row by row as sheet XML (100,000 officers in seconds)."""
    return xlsx_table("综合排名", chain([ranking_head(ranking)], ranking_rows(ranking)))


def _measure_text(measures: list[dict]) -> str:
    return "；".join(
        f"{m['label']} {m['value']}{m.get('unit', '')}" for m in measures if m.get("value") != ""
    )


def recommendation_frame(campaign: Campaign) -> pd.DataFrame:
    """The city's picks with the numbers frozen when each was picked (never recomputed)."""
    rows = []
    for rec in nominations.recommendations(campaign.id):
        label = rules.PROVINCE_CATEGORIES[rec.category]
        if rec.bureau_id:
            found = {m["label"]: m["value"] for m in rec.measures or []}
            name = rec.bureau.short_name if rec.bureau else ""
            rows.append(
                [
                    label,
                    name,
                    "",
                    "",
                    score_text(found.get("集体综合得分")),
                    found.get("集体排名", ""),
                    rec.statement,
                    _measure_text(rec.measures or []),
                ]
            )
            continue
        nom, snap = rec.nomination, rec.nomination.snapshot or {}
        rows.append(
            [
                label,
                nom.user.bureau.short_name,
                nom.user.display_name,
                nom.user.cert_no or "",
                score_text(snap.get("composite")),
                snap.get("city_rank", ""),
                nom.justification,
                "",
            ]
        )
    return pd.DataFrame(
        rows,
        columns=["推荐类别", "单位", "姓名", "执法证号", "综合得分", "排名", "主要事迹", "依据"],
    )


def recommendations_xlsx(campaign: Campaign) -> bytes:
    return _xlsx({"推荐名单": recommendation_frame(campaign)})


def recommendations_docx(campaign: Campaign) -> bytes:
    doc = new_document()
    add_title(doc, f"{campaign.name}先进集体和先进个人推荐名单")
    _table(doc, recommendation_frame(campaign))
    return to_bytes(doc)


def candidate_frames(
    campaign: Campaign, user: User, snapshot: dict | None = None
) -> dict[str, pd.DataFrame]:
    """An officer's record: scores by kind (the snapshot's shares when given), ledger lines,
    awards."""
    labels = registry().kinds
    if snapshot is not None:
        kinds = _snapshot_kind_frame(snapshot, labels)
    else:
        kinds = _live_kind_frame(campaign, user)
    lines = _ledger_frame(campaign, user, labels)
    award_rows = _award_frame(campaign, user)
    return {"分类得分": kinds, "活动明细": lines, "实战练兵加分": award_rows}


def _snapshot_kind_frame(snapshot: dict, labels: dict) -> pd.DataFrame:
    """Shares by kind as frozen in a snapshot."""
    return pd.DataFrame(
        [
            (labels[k].label if k in labels else k, score_text(v, 1))
            for k, v in (snapshot.get("shares") or {}).items()
        ],
        columns=["活动类型", "得分率%"],
    )


def _live_kind_frame(campaign: Campaign, user: User) -> pd.DataFrame:
    """Scores by kind from the current ranking."""
    return pd.DataFrame(
        [
            (
                k.label,
                k.weight,
                score_text(k.earned),
                score_text(k.available),
                score_text(100 * k.share, 1),
                score_text(k.contribution),
            )
            for k in breakdown.kind_lines(ranking_for(campaign), user.id)
        ],
        columns=["活动类型", "权重", "得分", "可得分", "得分率%", "综合得分贡献"],
    )


def _ledger_frame(campaign: Campaign, user: User, labels: dict) -> pd.DataFrame:
    """The officer's ledger lines in the campaign."""
    return pd.DataFrame(
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


def _award_frame(campaign: Campaign, user: User) -> pd.DataFrame:
    """The officer's 实战练兵 awards in the campaign."""
    return pd.DataFrame(
        [
            (a.category, a.title, a.points, a.reason, a.status)
            for a in awards.for_user(campaign.id, user.id)
        ],
        columns=["类别", "事项", "加分", "理由", "状态"],
    )


def _summary(campaign: Campaign, user: User, snapshot: dict | None) -> list[tuple[str, str]]:
    snap = snapshot if snapshot is not None else closing.snapshot_of(campaign, user.id)
    snap = snap or {}
    return [
        ("姓名", user.display_name),
        ("单位", user.bureau.name),
        ("执法证号", user.cert_no or ""),
        ("综合得分", score_text(snap.get("composite"))),
        ("全市排名", str(snap.get("city_rank", "—"))),
        ("本单位排名", str(snap.get("bureau_rank", "—"))),
    ]


def candidate_xlsx(campaign: Campaign, user: User, snapshot: dict | None = None) -> bytes:
    """The candidate's form; with ``snapshot`` (a nomination's) its numbers are the frozen ones."""
    summary = pd.DataFrame(_summary(campaign, user, snapshot), columns=["项目", "内容"])
    return _xlsx({"基本情况": summary, **candidate_frames(campaign, user, snapshot)})


def candidate_docx(
    campaign: Campaign, user: User, justification: str = "", snapshot: dict | None = None
) -> bytes:
    doc = new_document()
    add_title(doc, f"{campaign.name}先进个人推荐表")
    _table(doc, pd.DataFrame(_summary(campaign, user, snapshot), columns=["项目", "内容"]))
    if justification:
        add_heading(doc, "主要事迹")
        doc.add_paragraph(justification)
    for title, frame in candidate_frames(campaign, user, snapshot).items():
        add_heading(doc, title)
        _table(doc, frame)
    return to_bytes(doc)
