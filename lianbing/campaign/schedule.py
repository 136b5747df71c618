"""The campaign calendar: deadlines, the paperwork settings and the timeline.

The settings say when the campaign's paperwork is due (the monthly bulletins, the summary
report) and whether late papers are accepted; the operations that file paperwork
(``lianbing.campaign.bulletins``, ``lianbing.campaign.evaluation``) read them from here and
judge lateness with :func:`judge_lateness`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from lianbing import signals
from lianbing.audit import services as audit
from lianbing.campaign.models import DEADLINE_KINDS, Campaign, Deadline, OpsSettings
from lianbing.dbtypes import to_local, utcnow
from lianbing.errors import Conflict, Invalid
from lianbing.extensions import db


class ScheduleError(Invalid):
    """A calendar change that cannot be made (400); the message is for people."""


class PaperworkError(Invalid):
    """A bulletin or summary-report action that cannot be carried out (400)."""


class PaperworkConflict(PaperworkError, Conflict):
    """The paper is not in a state that allows the action (409)."""

    status = 409


class DeadlinePassed(PaperworkConflict):
    """Submitted after the due date while the campaign refuses late submissions."""


@dataclass(frozen=True)
class DeadlineView:
    """A deadline on the timeline, stored or derived from the settings."""

    name: str
    due_date: date
    kind: str
    id: int | None = None

    @property
    def kind_label(self) -> str:
        return DEADLINE_KINDS.get(self.kind, self.kind)


def today_local() -> date:
    """Today in Asia/Shanghai, from the server clock."""
    return to_local(utcnow()).date()


def local_date(value: datetime) -> date:
    return to_local(value).date()


def judge_lateness(settings: OpsSettings, now: datetime, due: date, refusal: str) -> bool:
    """Whether a submission at ``now`` is late.

    Raises DeadlinePassed(refusal) when late submissions are refused.
    """
    late = local_date(now) > due
    if late and not settings.accept_late:
        raise DeadlinePassed(refusal)
    return late


def first_of_month(value: date) -> date:
    return value.replace(day=1)


def months_between(start: date, end: date) -> list[date]:
    """First days of the months from start's month to end's month, inclusive."""
    months, current = [], first_of_month(start)
    while current <= end:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def default_settings(campaign: Campaign) -> OpsSettings:
    """The settings a campaign has before the city changes them (not added to the session)."""
    return OpsSettings(
        campaign_id=campaign.id,
        bulletin_due_day=20,
        accept_late=True,
        bulletin_from=first_of_month(campaign.start_date),
        bulletin_to=first_of_month(campaign.end_date),
        summary_due=min(max(date(campaign.year, 10, 8), campaign.start_date), campaign.end_date),
    )


def settings_for(campaign: Campaign) -> OpsSettings:
    """The stored settings, else the defaults."""
    stored = db.session.scalar(select(OpsSettings).where(OpsSettings.campaign_id == campaign.id))
    return stored or default_settings(campaign)


@dataclass(frozen=True)
class SettingsData:
    bulletin_due_day: int
    accept_late: bool
    bulletin_from: date
    bulletin_to: date
    summary_due: date


def save_settings(
    campaign: Campaign, data: SettingsData, *, actor_id: int | None = None
) -> OpsSettings:
    """Store the operations settings of a campaign (refused once it is closed or past)."""
    signals.settings_changing.send(
        "campaign",
        campaign_id=campaign.id,
        what="ops_settings",
        new={"due_day": data.bulletin_due_day, "summary_due": str(data.summary_due)},
        actor_id=actor_id,
    )
    if not 1 <= data.bulletin_due_day <= 28:
        raise ScheduleError("简报截止日须在每月 1 日到 28 日之间。")
    start, end = first_of_month(data.bulletin_from), first_of_month(data.bulletin_to)
    if end < start:
        raise ScheduleError("简报结束月份不能早于开始月份。")
    row = db.session.scalar(select(OpsSettings).where(OpsSettings.campaign_id == campaign.id))
    if row is None:
        row = OpsSettings(campaign_id=campaign.id)
        db.session.add(row)
    row.bulletin_due_day, row.accept_late = data.bulletin_due_day, data.accept_late
    row.bulletin_from, row.bulletin_to, row.summary_due = start, end, data.summary_due
    db.session.flush()
    audit.write(
        "campaign.ops_settings",
        "campaign",
        campaign.id,
        actor_id=actor_id,
        new={
            "due_day": row.bulletin_due_day,
            "accept_late": row.accept_late,
            "from": str(start),
            "to": str(end),
            "summary_due": str(data.summary_due),
        },
    )
    return row


def bulletin_months(settings: OpsSettings) -> list[date]:
    return months_between(settings.bulletin_from, settings.bulletin_to)


def bulletin_due(settings: OpsSettings, period: date) -> date:
    """The due date of the bulletin about the month starting at ``period``."""
    return period.replace(day=settings.bulletin_due_day)


def add_deadline(
    campaign: Campaign, name: str, due: date, kind: str, *, actor_id: int | None = None
) -> Deadline:
    """Put a deadline on the calendar (refused once the campaign is closed or past)."""
    signals.settings_changing.send(
        "campaign",
        campaign_id=campaign.id,
        what="deadlines",
        new={"add": name, "due": str(due)},
        actor_id=actor_id,
    )
    name = (name or "").strip()
    if not name:
        raise ScheduleError("请填写截止事项名称。")
    if kind not in DEADLINE_KINDS:
        raise ScheduleError(f"未知的截止类型：{kind}")
    row = Deadline(campaign_id=campaign.id, name=name, due_date=due, kind=kind)
    db.session.add(row)
    db.session.flush()
    audit.write(
        "campaign.deadline_add",
        "campaign_deadline",
        row.id,
        actor_id=actor_id,
        new={"name": name, "due": str(due), "kind": kind},
    )
    return row


def delete_deadline(row: Deadline, *, actor_id: int | None = None) -> None:
    """Take a deadline off the calendar (refused once the campaign is closed or past)."""
    signals.settings_changing.send(
        "campaign",
        campaign_id=row.campaign_id,
        what="deadlines",
        new={"delete": row.name},
        actor_id=actor_id,
    )
    audit.write(
        "campaign.deadline_delete",
        "campaign_deadline",
        row.id,
        actor_id=actor_id,
        old={"name": row.name, "due": str(row.due_date), "kind": row.kind},
    )
    db.session.delete(row)
    db.session.flush()


def stored_deadlines(campaign: Campaign) -> list[Deadline]:
    return list(
        db.session.scalars(
            select(Deadline)
            .where(Deadline.campaign_id == campaign.id)
            .order_by(Deadline.due_date, Deadline.id)
        )
    )


def all_deadlines(campaign: Campaign) -> list[DeadlineView]:
    """Stored deadlines plus the bulletin and summary deadlines the settings imply, by date."""
    settings = settings_for(campaign)
    rows = [DeadlineView(d.name, d.due_date, d.kind, d.id) for d in stored_deadlines(campaign)]
    rows += [
        DeadlineView(f"{m.month}月简报报送", bulletin_due(settings, m), "bulletin")
        for m in bulletin_months(settings)
    ]
    rows.append(DeadlineView("总结报告和自评报送", settings.summary_due, "summary"))
    return sorted(rows, key=lambda d: (d.due_date, d.name))


def upcoming_deadlines(campaign: Campaign, today: date, limit: int = 3) -> list[DeadlineView]:
    """The next deadlines from today on."""
    return [d for d in all_deadlines(campaign) if d.due_date >= today][:limit]


@dataclass(frozen=True)
class Bar:
    """One row of the SVG timeline: a stage bar or a deadline mark, in percent of the span."""

    label: str
    left: float
    width: float
    is_deadline: bool
    is_sub: bool


def timeline_bars(campaign: Campaign, stages: list, deadlines: list[DeadlineView]) -> list[Bar]:
    """Stages as bars and deadlines as marks positioned on the campaign's span."""
    span = max((campaign.end_date - campaign.start_date).days, 1)
    pos = lambda d: max(0.0, min(100.0, (d - campaign.start_date).days / span * 100))  # noqa: E731
    bars = [
        Bar(
            s.name,
            pos(s.start_date),
            max(pos(s.end_date) - pos(s.start_date), 0.8),
            False,
            s.parent_id is not None,
        )
        for s in stages
    ]
    bars += [Bar(d.name, pos(d.due_date), 0, True, False) for d in deadlines]
    return bars


def timeline_ticks(campaign: Campaign) -> list[tuple[float, str]]:
    """The date axis of the timeline: (position 0..100, label) at the start and at each month's
    first day inside the campaign (each quarter's for a campaign over a year)."""
    start, end = campaign.start_date, campaign.end_date
    span = max((end - start).days, 1)
    firsts, day = [], start.replace(day=1)
    while (day := (day.replace(day=28) + timedelta(days=4)).replace(day=1)) <= end:
        firsts.append(day)
    if len(firsts) > 12:
        firsts = [d for d in firsts if d.month in (1, 4, 7, 10)]
    ticks = [(0.0, f"{start.month}月{start.day}日")]
    return ticks + [((d - start).days / span * 100, f"{d.month}月1日") for d in firsts]
