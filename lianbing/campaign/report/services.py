"""Each bureau's summary for the province: its text sections, submitting, returning, resubmitting.

A county admin writes and submits its county's summary; the city reads every county's, sends
one back with comments (as it does a bulletin) and writes the city's own summary.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from lianbing.accounts.models import Bureau
from lianbing.audit import services as audit
from lianbing.campaign.models import Campaign
from lianbing.campaign.report.models import DRAFT, RETURNED, SUBMITTED, ProvinceReport
from lianbing.dbtypes import utcnow
from lianbing.errors import Conflict, Invalid
from lianbing.extensions import db
from lianbing.logconfig import event

#: the bureau's own text sections, in the document's order
SECTIONS = {
    "overview": "一、基本情况",
    "practice": "二、主要做法和成效",
    "problems": "三、存在的问题和不足",
    "plans": "四、下一步工作打算",
}
STATUS_LABELS = {DRAFT: "草稿", SUBMITTED: "已提交", RETURNED: "已退回"}
MAX_SECTION = 20_000


def find(campaign_id: int, bureau_id: int) -> ProvinceReport | None:
    return db.session.scalar(
        select(ProvinceReport).where(
            ProvinceReport.campaign_id == campaign_id, ProvinceReport.bureau_id == bureau_id
        )
    )


def listing(campaign_id: int) -> dict[int, ProvinceReport]:
    """The campaign's summaries by bureau id."""
    rows = db.session.scalars(
        select(ProvinceReport).where(ProvinceReport.campaign_id == campaign_id)
    )
    return {r.bureau_id: r for r in rows}


def _checked(texts: dict[str, str]) -> dict[str, str]:
    """Every known section's text, stripped; refused whole if one is too long."""
    clean = {key: (texts.get(key) or "").strip() for key in SECTIONS}
    for key, text in clean.items():
        if len(text) > MAX_SECTION:
            raise Invalid(f"“{SECTIONS[key]}”不能超过 {MAX_SECTION} 字。")
    return clean


def save_sections(
    campaign: Campaign, bureau: Bureau, texts: dict[str, str], *, actor_id: int | None = None
) -> ProvinceReport:
    """Write the bureau's text sections while the summary is a draft or returned."""
    clean = _checked(texts)
    report = find(campaign.id, bureau.id)
    if report is None:
        report = ProvinceReport(campaign_id=campaign.id, bureau_id=bureau.id, status=DRAFT)
        db.session.add(report)
    elif report.status == SUBMITTED:
        raise Conflict("总结已提交，不能再修改；如需修改，请市局退回。")
    report.sections, report.author_id, report.updated_at = clean, actor_id, utcnow()
    db.session.flush()
    return report


def submit(
    report: ProvinceReport, *, now: datetime | None = None, actor_id: int | None = None
) -> ProvinceReport:
    """Submit a draft, or resubmit a returned summary."""
    now = now or utcnow()
    if report.status == SUBMITTED:
        raise Conflict("总结已提交。")
    if not any((report.sections or {}).values()):
        raise Invalid("请先填写总结的文字部分再提交。")
    if report.status == RETURNED:
        report.resubmitted_at = now
    else:
        report.submitted_at = now
    report.status = SUBMITTED
    db.session.flush()
    audit.write(
        "report.submit", "province_report", report.id, actor_id=actor_id, bureau_id=report.bureau_id
    )
    event(
        "report",
        "province report %s of bureau %s submitted by user %s",
        report.id,
        report.bureau_id,
        actor_id,
        actor_id=actor_id,
        target=f"province_report:{report.id}",
    )
    return report


def return_report(
    report: ProvinceReport,
    comment: str,
    *,
    now: datetime | None = None,
    actor_id: int | None = None,
) -> ProvinceReport:
    """The city sends a county's submitted summary back with comments."""
    comment = (comment or "").strip()
    if report.status != SUBMITTED:
        raise Conflict("只能退回已提交的总结。")
    if report.bureau.is_city:
        raise Conflict("市局自己的总结不能退回。")
    if not comment:
        raise Invalid("退回时请填写修改意见。")
    report.status, report.return_comment = RETURNED, comment
    report.returned_at = now or utcnow()
    db.session.flush()
    audit.write(
        "report.return",
        "province_report",
        report.id,
        actor_id=actor_id,
        bureau_id=report.bureau_id,
        new={"comment": comment},
    )
    event(
        "report",
        "province report %s of bureau %s returned by user %s",
        report.id,
        report.bureau_id,
        actor_id,
        actor_id=actor_id,
        target=f"province_report:{report.id}",
    )
    return report
