"""The host's own events: paperwork deadlines, returned bulletins and summaries, reviewed
column articles, certificates issued.

Each function takes ``now`` (UTC) and returns Notices; event keys name the event, not the
person, so the (user, event key) constraint makes every run after the first a no-op.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Iterable

from flask import current_app, url_for
from sqlalchemy import select

from lianbing.accounts.models import Bureau, User
from lianbing.campaign import schedule
from lianbing.campaign.bulletins.models import SUBMITTED, Bulletin
from lianbing.campaign.column.models import PUBLISHED, REJECTED, ColumnArticle
from lianbing.campaign.evaluation.models import DRAFT as SUMMARY_DRAFT
from lianbing.campaign.evaluation.models import SummaryReport
from lianbing.campaign.models import Campaign
from lianbing.campaign.report.models import RETURNED as REPORT_RETURNED
from lianbing.campaign.report.models import ProvinceReport
from lianbing.certificates.models import Certificate
from lianbing.dbtypes import to_local
from lianbing.extensions import db
from lianbing.parts import Notice
from lianbing.rankings.models import Nomination

#: how far back a status change still produces a notice (older ones predate the feature)
RECENT = timedelta(days=30)


def lead_days() -> tuple[int, ...]:
    """Days before a deadline on which to remind, from NOTIFY_LEAD_DAYS (default 3 and 0)."""
    return tuple(sorted(set(current_app.config.get("NOTIFY_LEAD_DAYS", (3, 0))), reverse=True))


def due_lead(due: date, today: date) -> int | None:
    """The reminder (lead days) that is due today for a deadline, or None.

    A lead fires from its day until the deadline, so a missed run catches up the next day.
    """
    due_now = [lead for lead in lead_days() if due - timedelta(days=lead) <= today <= due]
    return min(due_now) if due_now else None


def host_notices(now: datetime) -> list[Notice]:
    campaign = db.session.scalar(select(Campaign).where(Campaign.is_active.is_(True)))
    found: list[Notice] = list(certificates_issued(now))
    if campaign is not None:
        found += bulletin_due(campaign, now)
        found += summary_due(campaign, now)
        found += bulletins_returned(campaign, now)
        found += articles_reviewed(campaign, now)
        found += nominations_returned(campaign, now)
        found += reports_returned(campaign, now)
    return found


def _county_admins() -> dict[int, list[int]]:
    rows = db.session.execute(
        select(User.bureau_id, User.id)
        .join(Bureau, Bureau.id == User.bureau_id)
        .where(User.role == "bureau_admin", User.is_active_.is_(True), Bureau.level == "county")
    )
    admins: dict[int, list[int]] = {}
    for bureau_id, user_id in rows:
        admins.setdefault(bureau_id, []).append(user_id)
    return admins


def _reminder(lead: int) -> str:
    return "今天截止" if lead == 0 else f"还有 {lead} 天截止"


def bulletin_due(campaign: Campaign, now: datetime) -> list[Notice]:
    """Monthly bulletins not yet submitted, reminded to the county admins."""
    settings = schedule.settings_for(campaign)
    today = to_local(now).date()
    found = []
    for period in schedule.bulletin_months(settings):
        due = schedule.bulletin_due(settings, period)
        lead = due_lead(due, today)
        if lead is None:
            continue
        done = set(
            db.session.scalars(
                select(Bulletin.bureau_id).where(
                    Bulletin.campaign_id == campaign.id,
                    Bulletin.period == period,
                    Bulletin.status == SUBMITTED,
                )
            )
        )
        link = url_for("bulletins.index")
        for bureau_id, users in _county_admins().items():
            if bureau_id in done:
                continue
            key = f"bulletin-due:{campaign.id}:{period:%Y-%m}:{bureau_id}:{lead}"
            title = f"{period.month}月工作简报{_reminder(lead)}（{due:%m月%d日}）"
            body = f"请在 {due:%Y-%m-%d} 前报送{period.year}年{period.month}月的练兵工作简报。"
            found += [Notice(u, key, title, body, link) for u in users]
    return found


def summary_due(campaign: Campaign, now: datetime) -> list[Notice]:
    """The summary report and self-evaluation, reminded to county admins who have not sent it."""
    settings = schedule.settings_for(campaign)
    lead = due_lead(settings.summary_due, to_local(now).date())
    if lead is None:
        return []
    done = set(
        db.session.scalars(
            select(SummaryReport.bureau_id).where(
                SummaryReport.campaign_id == campaign.id, SummaryReport.status != SUMMARY_DRAFT
            )
        )
    )
    due = settings.summary_due
    link = url_for("evaluation.index")
    found = []
    for bureau_id, users in _county_admins().items():
        if bureau_id not in done:
            key = f"summary-due:{campaign.id}:{bureau_id}:{lead}"
            title = f"总结报告和自评表{_reminder(lead)}（{due:%m月%d日}）"
            body = f"请在 {due:%Y-%m-%d} 前提交练兵活动总结报告和自评表。"
            found += [Notice(u, key, title, body, link) for u in users]
    return found


def bulletins_returned(campaign: Campaign, now: datetime) -> Iterable[Notice]:
    """A bulletin the city returned, to its county's admins (again after every return)."""
    admins = _county_admins()
    rows = db.session.scalars(
        select(Bulletin).where(
            Bulletin.campaign_id == campaign.id,
            Bulletin.status == "returned",
            Bulletin.returned_at >= now - RECENT,
        )
    )
    for b in rows:
        key = f"bulletin-returned:{b.id}:{b.returned_at:%Y%m%d%H%M%S}"
        title = f"{b.period.month}月工作简报被市局退回"
        link = url_for("bulletins.detail", bulletin_id=b.id)
        for user_id in admins.get(b.bureau_id, []):
            yield Notice(user_id, key, title, b.return_comment or "请修改后重新提交。", link)


def articles_reviewed(campaign: Campaign, now: datetime) -> Iterable[Notice]:
    """A column article published or rejected, to its author."""
    rows = db.session.scalars(
        select(ColumnArticle).where(
            ColumnArticle.campaign_id == campaign.id,
            ColumnArticle.status.in_((PUBLISHED, REJECTED)),
            ColumnArticle.author_id.is_not(None),
            ColumnArticle.updated_at >= now - RECENT,
        )
    )
    for a in rows:
        if a.status == PUBLISHED:
            title, body = f"稿件《{a.title}》已发布", "您的稿件已在练兵专栏发布。"
        else:
            title, body = f"稿件《{a.title}》被退回", a.review_comment or "请修改后重新投稿。"
        endpoint = "column.public_article" if a.status == PUBLISHED else "column.manage_article"
        link = url_for(endpoint, article_id=a.id)
        yield Notice(a.author_id, f"article:{a.id}:{a.status}", title, body, link)


def nominations_returned(campaign: Campaign, now: datetime) -> Iterable[Notice]:
    """A nomination the city returned, to the county admins who nominate."""
    admins = _county_admins()
    rows = db.session.scalars(
        select(Nomination).where(
            Nomination.campaign_id == campaign.id,
            Nomination.status == "returned",
            Nomination.decided_at >= now - RECENT,
        )
    )
    link = url_for("rankings.nomination_list")
    for n in rows:
        key = f"nomination-returned:{n.id}:{n.decided_at:%Y%m%d%H%M%S}"
        title = f"先进个人推荐（{n.user.display_name}）被市局退回"
        for user_id in admins.get(n.bureau_id, []):
            yield Notice(user_id, key, title, n.return_reason or "请修改后重新报送。", link)


def reports_returned(campaign: Campaign, now: datetime) -> Iterable[Notice]:
    """A summary for the province the city returned, to its county's admins (after every return)."""
    admins = _county_admins()
    rows = db.session.scalars(
        select(ProvinceReport).where(
            ProvinceReport.campaign_id == campaign.id,
            ProvinceReport.status == REPORT_RETURNED,
            ProvinceReport.returned_at >= now - RECENT,
        )
    )
    for r in rows:
        key = f"report-returned:{r.id}:{r.returned_at:%Y%m%d%H%M%S}"
        link = url_for("report.bureau", campaign_id=campaign.id, bureau_id=r.bureau_id)
        for user_id in admins.get(r.bureau_id, []):
            yield Notice(user_id, key, "报省总结被市局退回", r.return_comment, link)


def certificates_issued(now: datetime) -> Iterable[Notice]:
    """A certificate issued (any campaign) and not revoked, to its holder: the person, or a
    collective's bureau admins."""
    rows = db.session.scalars(
        select(Certificate).where(
            Certificate.issued_at >= now - RECENT, Certificate.revoked_at.is_(None)
        )
    )
    link = url_for("certificates.index")
    for cert in rows:
        title = f"您获得{cert.kind_label}：{cert.title}"[:200]
        body = f"{cert.issuer_name}颁发，证书编号 {cert.serial}。可在“证书”页查看和下载。"
        for user_id in _holders(cert):
            yield Notice(user_id, f"certificate:{cert.id}", title, body, link)


def _holders(cert: Certificate) -> list[int]:
    if cert.holder_user_id is not None:
        return [cert.holder_user_id]
    return list(
        db.session.scalars(
            select(User.id).where(
                User.bureau_id == cert.holder_bureau_id,
                User.role == "bureau_admin",
                User.is_active_.is_(True),
            )
        )
    )
