"""Monthly bulletins: drafting, submitting on time or late, returning, the board and timeliness."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from lianbing.accounts import services as accounts
from lianbing.audit import services as audit
from lianbing.campaign import schedule
from lianbing.campaign.attachments import services as attachments
from lianbing.campaign.bulletins.models import DRAFT, RETURNED, SUBMITTED, Bulletin
from lianbing.campaign.models import Campaign, OpsSettings
from lianbing.counters import services as counters
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.logconfig import event

ON_TIME, LATE, MISSING, PENDING = "on_time", "late", "missing", "pending"
CELL_LABELS = {
    ON_TIME: "按时",
    LATE: "逾期",
    MISSING: "未报",
    RETURNED: "退回",
    PENDING: "未到期",
    DRAFT: "草稿",
}
#: credit of each board state in the timeliness measure
CREDIT = {ON_TIME: 1.0, LATE: 0.5, RETURNED: 0.0, MISSING: 0.0}
#: the owner type of the files attached to bulletins
ATTACHMENT_OWNER = "bulletin"


def board_versions(campaign_id: int) -> list[str]:
    """The versions the cached board of a campaign is kept under."""
    return [f"bulletins:{campaign_id}", "bureaus"]


counters.watch(Bulletin, lambda bulletin: [f"bulletins:{bulletin.campaign_id}"])
counters.watch(OpsSettings, lambda settings: [f"bulletins:{settings.campaign_id}"])
counters.watch(Campaign, lambda campaign: [f"bulletins:{campaign.id}"])


#: the paperwork errors shared with summary reports (message for people, HTTP status)
BulletinError, BulletinConflict = schedule.PaperworkError, schedule.PaperworkConflict
DeadlinePassed = schedule.DeadlinePassed


@dataclass(frozen=True)
class BulletinData:
    title: str
    body: str


def find(campaign_id: int, bureau_id: int, period: date) -> Bulletin | None:
    return db.session.scalar(
        select(Bulletin).where(
            Bulletin.campaign_id == campaign_id,
            Bulletin.bureau_id == bureau_id,
            Bulletin.period == period,
        )
    )


def check_period(campaign: Campaign, period: date) -> None:
    """Refuse months for which the campaign expects no bulletin."""
    if period not in schedule.bulletin_months(schedule.settings_for(campaign)):
        raise BulletinError(f"{period.year}年{period.month}月不在本活动的简报月份内。")


def save_draft(
    campaign: Campaign, bureau_id: int, period: date, data: BulletinData, *, author_id: int | None
) -> Bulletin:
    """Create or change the bureau's bulletin for a month while it is a draft or returned."""
    check_period(campaign, period)
    title = (data.title or "").strip()
    if not title:
        raise BulletinError("请填写简报标题。")
    bulletin = find(campaign.id, bureau_id, period)
    if bulletin is None:
        bulletin = Bulletin(
            campaign_id=campaign.id, bureau_id=bureau_id, period=period, status=DRAFT
        )
        db.session.add(bulletin)
    elif bulletin.status == SUBMITTED:
        raise BulletinConflict("简报已提交，不能再修改；如需修改，请市局退回。")
    bulletin.title, bulletin.body, bulletin.author_id = title, data.body or "", author_id
    bulletin.updated_at = utcnow()
    db.session.flush()
    return bulletin


def due_date(bulletin: Bulletin, campaign: Campaign) -> date:
    return schedule.bulletin_due(schedule.settings_for(campaign), bulletin.period)


def submit(
    bulletin: Bulletin,
    campaign: Campaign,
    *,
    now: datetime | None = None,
    actor_id: int | None = None,
) -> Bulletin:
    """Submit a draft (judged on time or late) or resubmit a returned bulletin."""
    now = now or utcnow()
    if bulletin.status == SUBMITTED:
        raise BulletinConflict("简报已提交。")
    if bulletin.status == RETURNED:
        bulletin.status, bulletin.resubmitted_at = SUBMITTED, now
    else:
        _first_submission(bulletin, campaign, now)
    db.session.flush()
    audit.write(
        "bulletin.submit",
        "bulletin",
        bulletin.id,
        actor_id=actor_id,
        bureau_id=bulletin.bureau_id,
        new={"period": f"{bulletin.period:%Y-%m}", "late": bulletin.is_late},
    )
    event(
        "bulletins",
        "bulletin %s of bureau %s for %s submitted by user %s%s",
        bulletin.id,
        bulletin.bureau_id,
        f"{bulletin.period:%Y-%m}",
        actor_id,
        " (late)" if bulletin.is_late else "",
        actor_id=actor_id,
        target=f"bulletin:{bulletin.id}",
    )
    return bulletin


def _first_submission(bulletin: Bulletin, campaign: Campaign, now: datetime) -> None:
    settings = schedule.settings_for(campaign)
    due = schedule.bulletin_due(settings, bulletin.period)
    late = schedule.judge_lateness(
        settings,
        now,
        due,
        f"{bulletin.period.month}月简报已于 {due:%Y-%m-%d} 截止，本活动不接受逾期提交。",
    )
    bulletin.status, bulletin.submitted_at, bulletin.is_late = SUBMITTED, now, late


def return_bulletin(
    bulletin: Bulletin, comment: str, *, now: datetime | None = None, actor_id: int | None = None
) -> Bulletin:
    """The city sends a submitted bulletin back with comments."""
    comment = (comment or "").strip()
    if bulletin.status != SUBMITTED:
        raise BulletinConflict("只能退回已提交的简报。")
    if not comment:
        raise BulletinError("退回时请填写修改意见。")
    bulletin.status, bulletin.return_comment, bulletin.returned_at = (
        RETURNED,
        comment,
        now or utcnow(),
    )
    db.session.flush()
    audit.write(
        "bulletin.return",
        "bulletin",
        bulletin.id,
        actor_id=actor_id,
        bureau_id=bulletin.bureau_id,
        new={"comment": comment},
    )
    event(
        "bulletins",
        "bulletin %s of bureau %s returned by user %s",
        bulletin.id,
        bulletin.bureau_id,
        actor_id,
        actor_id=actor_id,
        target=f"bulletin:{bulletin.id}",
    )
    return bulletin


def remove_attachment(bulletin: Bulletin, file_id: int) -> None:
    """Detach a file while the bulletin can still be changed."""
    if bulletin.status == SUBMITTED:
        raise BulletinConflict("简报已提交，不能再删除附件。")
    attachments.detach(ATTACHMENT_OWNER, bulletin.id, file_id)


def cell_state(bulletin: Bulletin | None, due: date, today: date) -> str:
    """The board state of one bureau-month."""
    if bulletin is not None and bulletin.status != DRAFT:
        if bulletin.status == RETURNED:
            return RETURNED
        return LATE if bulletin.is_late else ON_TIME
    if today > due:
        return MISSING
    return DRAFT if bulletin is not None else PENDING


@dataclass(frozen=True)
class Cell:
    state: str
    bulletin: Bulletin | None
    due: date

    @property
    def label(self) -> str:
        return CELL_LABELS[self.state]


def board(
    campaign: Campaign, today: date, bureau_ids: frozenset[int] | None = None
) -> tuple[list[date], list]:
    """Months and rows (bureau, [Cell per month]) of the bureau × month grid: every county, or
    the counties among ``bureau_ids`` (the subtree a bureau's admin reads)."""
    settings = schedule.settings_for(campaign)
    months = schedule.bulletin_months(settings)
    bureaus = [b for b in accounts.county_bureaus() if bureau_ids is None or b.id in bureau_ids]
    stored = {
        (b.bureau_id, b.period): b
        for b in db.session.scalars(select(Bulletin).where(Bulletin.campaign_id == campaign.id))
    }
    rows = []
    for bureau in bureaus:
        cells = [
            _cell(stored.get((bureau.id, m)), schedule.bulletin_due(settings, m), today)
            for m in months
        ]
        rows.append((bureau, cells))
    return months, rows


def _cell(bulletin: Bulletin | None, due: date, today: date) -> Cell:
    return Cell(cell_state(bulletin, due, today), bulletin, due)


def bulletin_timeliness(campaign_id: int, today: date | None = None) -> dict[int, float | None]:
    """Per county bureau, 0..1: mean credit over the months already due (None when none is due
    yet; the collective ranking counts that as on time).

    On time 1, late 0.5, returned (awaiting resubmission) or missing 0. A bureau measure for
    the collective ranking.
    """
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        return {}
    _, rows = board(campaign, today or schedule.today_local())
    result = {}
    for bureau, cells in rows:
        due = [CREDIT[c.state] for c in cells if c.state in CREDIT]
        result[bureau.id] = round(sum(due) / len(due), 4) if due else None
    return result


def month_bulletins(campaign: Campaign, period: date) -> list[Bulletin]:
    """The submitted (or returned) bulletins of one month, by bureau code."""
    return [
        b
        for b in db.session.scalars(
            select(Bulletin).where(
                Bulletin.campaign_id == campaign.id,
                Bulletin.period == period,
                Bulletin.status != DRAFT,
            )
        )
    ]


def returned_count(campaign_id: int, bureau_id: int) -> int:
    """How many of the bureau's bulletins the city has sent back and await resubmission."""
    return db.session.scalar(
        select(func.count())
        .select_from(Bulletin)
        .where(
            Bulletin.campaign_id == campaign_id,
            Bulletin.bureau_id == bureau_id,
            Bulletin.status == RETURNED,
        )
    )
