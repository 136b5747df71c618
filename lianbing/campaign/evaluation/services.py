"""Evaluation items, county summary reports with self-scores, and the city's review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from lianbing import signals
from lianbing.audit import services as audit
from lianbing.campaign import schedule
from lianbing.campaign.evaluation.models import (
    DRAFT,
    REVIEWED,
    SUBMITTED,
    EvaluationItem,
    ItemScore,
    SummaryReport,
)
from lianbing.campaign.models import Campaign
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.logconfig import event

STATUS_LABELS = {DRAFT: "草稿", SUBMITTED: "已提交", REVIEWED: "已评分"}


#: the paperwork errors shared with bulletins (message for people, HTTP status)
EvaluationError, EvaluationConflict = schedule.PaperworkError, schedule.PaperworkConflict
DeadlinePassed = schedule.DeadlinePassed


@dataclass(frozen=True)
class ScoreInput:
    item_id: int
    points: float | None
    text: str = ""


def items(campaign_id: int) -> list[EvaluationItem]:
    return list(
        db.session.scalars(
            select(EvaluationItem)
            .where(EvaluationItem.campaign_id == campaign_id)
            .order_by(EvaluationItem.position, EvaluationItem.id)
        )
    )


def _checked_item(name: str, max_points: float | None) -> str:
    """The item's name, stripped; refused when empty or when the points are out of range."""
    name = (name or "").strip()
    if not name:
        raise EvaluationError("请填写考核项目名称。")
    if max_points is None or not 0 < max_points <= 1000:
        raise EvaluationError("满分须大于 0 且不超过 1000。")
    return name


def add_item(
    campaign: Campaign,
    name: str,
    max_points: float,
    description: str = "",
    *,
    actor_id: int | None = None,
) -> EvaluationItem:
    """The city adds an evaluation item with its maximum points (refused once the campaign is
    closed or past)."""
    signals.settings_changing.send(
        "evaluation",
        campaign_id=campaign.id,
        what="evaluation_items",
        new={"add": name, "max": max_points},
        actor_id=actor_id,
    )
    name = _checked_item(name, max_points)
    position = db.session.scalar(
        select(func.count()).where(EvaluationItem.campaign_id == campaign.id)
    )
    item = EvaluationItem(
        campaign_id=campaign.id,
        name=name,
        max_points=float(max_points),
        description=description or "",
        position=position,
    )
    db.session.add(item)
    db.session.flush()
    audit.write(
        "evaluation.item_add",
        "evaluation_item",
        item.id,
        actor_id=actor_id,
        new={"name": name, "max": item.max_points},
    )
    return item


def copy_items(sender, *, template_id: int, campaign_id: int, actor_id) -> dict[str, int]:
    """Receiver of ``signals.campaign_copied``: the template's evaluation items, in order."""
    old = items(template_id)
    for item in old:
        db.session.add(
            EvaluationItem(
                campaign_id=campaign_id,
                name=item.name,
                description=item.description,
                max_points=item.max_points,
                position=item.position,
            )
        )
    db.session.flush()
    return {"考核项目": len(old)}


def report_for(campaign_id: int, bureau_id: int) -> SummaryReport | None:
    return db.session.scalar(
        select(SummaryReport).where(
            SummaryReport.campaign_id == campaign_id, SummaryReport.bureau_id == bureau_id
        )
    )


def reports(campaign_id: int) -> list[SummaryReport]:
    return list(
        db.session.scalars(select(SummaryReport).where(SummaryReport.campaign_id == campaign_id))
    )


def _score_row(report: SummaryReport, item: EvaluationItem) -> ItemScore:
    for row in report.scores:
        if row.item_id == item.id:
            return row
    row = ItemScore(item_id=item.id, item=item)
    report.scores.append(row)
    return row


def _check_points(item: EvaluationItem, points: float | None) -> None:
    if points is not None and not 0 <= points <= item.max_points:
        raise EvaluationError(f"“{item.name}”的分数须在 0 到 {item.max_points:g} 之间。")


def save_report(
    campaign: Campaign,
    bureau_id: int,
    body: str,
    scores: list[ScoreInput],
    *,
    actor_id: int | None = None,
) -> SummaryReport:
    """The county writes its summary and self-scores each item with evidence (until submitted)."""
    report = report_for(campaign.id, bureau_id)
    if report is not None and report.status != DRAFT:
        raise EvaluationConflict("总结报告已提交，不能再修改。")
    checked = _checked(campaign.id, scores, required=False)
    if report is None:
        report = SummaryReport(campaign_id=campaign.id, bureau_id=bureau_id, status=DRAFT)
        db.session.add(report)
    for item, score in checked:
        row = _score_row(report, item)
        row.self_points, row.evidence = score.points, score.text or ""
    report.body, report.updated_at = body or "", utcnow()
    db.session.flush()
    return report


def _checked(
    campaign_id: int, scores: list[ScoreInput], *, required: bool
) -> list[tuple[EvaluationItem, ScoreInput]]:
    """Each score with its item, every one checked before anything changes."""
    by_id = {i.id: i for i in items(campaign_id)}
    checked = []
    for score in scores:
        item = by_id.get(score.item_id) or _unknown(score.item_id)
        if required and score.points is None:
            raise EvaluationError(f"请为“{item.name}”评分。")
        _check_points(item, score.points)
        checked.append((item, score))
    return checked


def _unknown(item_id: int):
    raise EvaluationError(f"考核项目 {item_id} 不属于本活动。")


def submit_report(
    report: SummaryReport,
    campaign: Campaign,
    *,
    now: datetime | None = None,
    actor_id: int | None = None,
) -> SummaryReport:
    """Submit by the summary deadline; late ones are marked or refused as configured."""
    now = now or utcnow()
    if report.status != DRAFT:
        raise EvaluationConflict("总结报告已提交。")
    missing = [i.name for i in items(campaign.id) if _self_points(report, i.id) is None]
    if missing:
        raise EvaluationError("请先为以下项目自评打分：" + "、".join(missing))
    settings = schedule.settings_for(campaign)
    late = schedule.judge_lateness(
        settings,
        now,
        settings.summary_due,
        f"总结报告已于 {settings.summary_due:%Y-%m-%d} 截止，本活动不接受逾期提交。",
    )
    report.status, report.submitted_at, report.is_late = SUBMITTED, now, late
    db.session.flush()
    audit.write(
        "evaluation.submit",
        "summary_report",
        report.id,
        actor_id=actor_id,
        bureau_id=report.bureau_id,
        new={"late": late},
    )
    return report


def _self_points(report: SummaryReport, item_id: int) -> float | None:
    return next((s.self_points for s in report.scores if s.item_id == item_id), None)


def review(
    report: SummaryReport,
    scores: list[ScoreInput],
    comment: str,
    *,
    now: datetime | None = None,
    actor_id: int | None = None,
) -> SummaryReport:
    """The city scores each item of a submitted report."""
    if report.status == DRAFT:
        raise EvaluationConflict("该单位尚未提交总结报告。")
    for item, score in _checked(report.campaign_id, scores, required=True):
        row = _score_row(report, item)
        row.city_points, row.city_comment = score.points, score.text or ""
    report.status, report.review_comment = REVIEWED, (comment or "").strip()
    report.reviewed_at, report.reviewer_id = now or utcnow(), actor_id
    db.session.flush()
    total = totals(report)[1]
    audit.write(
        "evaluation.review",
        "summary_report",
        report.id,
        actor_id=actor_id,
        bureau_id=report.bureau_id,
        new={"total": total},
    )
    event(
        "evaluation",
        "summary report %s of bureau %s scored %s by user %s",
        report.id,
        report.bureau_id,
        total,
        actor_id,
        actor_id=actor_id,
        target=f"summary_report:{report.id}",
    )
    return report


def totals(report: SummaryReport) -> tuple[float, float | None]:
    """(self total, city total or None before review)."""
    self_total = sum(s.self_points or 0 for s in report.scores)
    if report.status != REVIEWED:
        return self_total, None
    return self_total, sum(s.city_points or 0 for s in report.scores)


def evaluation_scores(campaign_id: int) -> dict[int, float]:
    """Per reviewed county bureau, 0..1: the city's total over the items' maximum."""
    maximum = sum(i.max_points for i in items(campaign_id))
    if not maximum:
        return {}
    return {
        r.bureau_id: round(totals(r)[1] / maximum, 4)
        for r in reports(campaign_id)
        if r.status == REVIEWED
    }
