"""The score ledger: the only writer of scores."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select

from lianbing import signals
from lianbing.accounts.models import User
from lianbing.audit import services as audit
from lianbing.campaign.models import Campaign
from lianbing.dbtypes import to_local, utcnow
from lianbing.errors import Conflict, Invalid
from lianbing.extensions import db
from lianbing.ledger import totals
from lianbing.ledger.models import LedgerClosure, ScoreEntry
from lianbing.parts import registry


class ScoreError(Invalid):
    """A score that the ledger refuses (400)."""


def _check(kind: str, points: float, max_points: float) -> None:
    if kind not in registry().kinds:
        raise ScoreError(f"未知的活动类型：{kind}")
    if max_points <= 0:
        raise ScoreError("满分必须大于 0")
    if points < 0 or points > max_points:
        raise ScoreError(f"得分 {points} 不在 0 到 {max_points} 之间")


class NotCounted(Conflict):
    """A result the ledger does not count (409): the campaign is closed or the result falls
    outside its dates. The refusal itself is kept in the audit log (``keep``); a part that
    catches it keeps the officer's work (the attempt, the attendance) and says it does not count.
    """

    keep = True


class LedgerClosed(NotCounted):
    """A result for a closed campaign."""


class OutsideCampaign(NotCounted):
    """A result achieved before the campaign's first day or after its last (Beijing dates)."""


CLOSED_MESSAGE = (
    "本次练兵活动已结束，成绩已冻结，不能再记入或修改成绩。"
    "如确需更正，请由市局管理员在“成绩更正”中填写原因。"
)


def is_closed(campaign_id: int) -> bool:
    return db.session.get(LedgerClosure, campaign_id) is not None


def outside_message(campaign: Campaign, at: datetime) -> str | None:
    """Why a result achieved at ``at`` falls outside the campaign's dates, else None."""
    day = to_local(at).date()
    if campaign.start_date <= day <= campaign.end_date:
        return None
    when = "开始前" if day < campaign.start_date else "结束后"
    return (
        f"成绩取得于 {day:%Y-%m-%d}，在“{campaign.name}”{when}"
        f"（活动期间 {campaign.start_date:%Y-%m-%d} 至 {campaign.end_date:%Y-%m-%d}），"
        "不计入练兵成绩。"
    )


def outside_reason(campaign_id: int | None, at: datetime | None) -> str | None:
    """Why a result achieved at ``at`` does not count for falling outside the campaign's dates,
    else None: for pages that tell an officer their work was kept but not counted."""
    campaign = db.session.get(Campaign, campaign_id) if campaign_id is not None else None
    return outside_message(campaign, at) if campaign is not None and at is not None else None


def _refuse(error: type[NotCounted], message: str, campaign_id: int, new: dict, actor_id) -> None:
    """Audit the refusal (kept although the request fails) and raise it."""
    audit.write(
        "score.refused", "campaign", campaign_id, actor_id=actor_id, new=new, reason=message
    )
    raise error(message)


def _guard_closed(
    campaign_id: int,
    user_id: int,
    kind: str,
    ref: str,
    correction: bool,
    reason: str,
    actor_id: int | None,
) -> None:
    """Refuse a result for a closed campaign unless it is a city correction naming its reason."""
    if not is_closed(campaign_id) or (correction and reason.strip()):
        return
    new = {"user_id": user_id, "kind": kind, "ref": ref}
    if correction:
        _refuse(LedgerClosed, "活动结束后的成绩更正须填写原因。", campaign_id, new, actor_id)
    _refuse(LedgerClosed, CLOSED_MESSAGE, campaign_id, new, actor_id)


def _guard_dates(
    campaign_id: int, user_id: int, kind: str, ref: str, at: datetime, actor_id: int | None
) -> None:
    """Refuse a result whose Beijing date falls outside [start_date, end_date]."""
    campaign = db.session.get(Campaign, campaign_id)
    message = outside_message(campaign, at) if campaign is not None else None
    if message:
        new = {"user_id": user_id, "kind": kind, "ref": ref, "at": at.isoformat()}
        _refuse(OutsideCampaign, message, campaign_id, new, actor_id)


def _snapshot(entry: ScoreEntry) -> dict[str, Any]:
    return {
        "points": entry.points,
        "max_points": entry.max_points,
        "title": entry.title,
        # in UTC, so the same instant given in another zone is not logged as a change
        "achieved_at": entry.achieved_at.astimezone(timezone.utc).isoformat()
        if entry.achieved_at
        else None,
    }


def record(
    user_id: int,
    campaign_id: int,
    kind: str,
    ref: str,
    points: float,
    max_points: float,
    at: datetime,
    detail: dict | None = None,
    *,
    title: str = "",
    actor_id: int | None = None,
    reason: str = "",
    correction: bool = False,
) -> ScoreEntry:
    """Insert or update the one ledger row for (campaign, user, kind, ref), with an audit row.

    A closed campaign refuses (``LedgerClosed``, audited), and so does a result achieved outside
    the campaign's dates (``OutsideCampaign``, audited), unless ``correction`` names a reason:
    the city's audited correction is the one way to change a score after the fact.
    """
    _check(kind, points, max_points)
    if at is None or at.tzinfo is None:
        raise ScoreError("成绩须有取得时间（含时区）。")
    _guard_closed(campaign_id, user_id, kind, ref, correction, reason, actor_id)
    if not (correction and reason.strip()):
        _guard_dates(campaign_id, user_id, kind, ref, at, actor_id)
    entry = _locked_entry(campaign_id, user_id, kind, ref)
    old = _snapshot(entry) if entry else None
    if entry is None:
        entry = ScoreEntry(campaign_id=campaign_id, user_id=user_id, kind=kind, ref=ref)
        db.session.add(entry)
    _fill(entry, points, max_points, at, title, detail)
    db.session.flush()
    new = _snapshot(entry)
    if old != new:
        _changed(entry, old, new, actor_id=actor_id, reason=reason, correction=correction)
    return entry


def _fill(
    entry: ScoreEntry,
    points: float,
    max_points: float,
    at: datetime,
    title: str,
    detail: dict | None,
) -> None:
    """Set the ledger row's score, time, title and detail (not flushed)."""
    entry.points, entry.max_points, entry.achieved_at = float(points), float(max_points), at
    entry.title = title or entry.title or entry.ref
    entry.detail = detail or {}
    entry.updated_at = utcnow()


def _changed(
    entry: ScoreEntry,
    old: dict[str, Any] | None,
    new: dict[str, Any],
    *,
    actor_id: int | None,
    reason: str,
    correction: bool,
) -> None:
    """A row that changed: audit it, update the sums for rankings (the new version voids
    cached ones), then tell listeners."""
    _audit_change(entry, old, new, actor_id=actor_id, reason=reason, correction=correction)
    totals.changed(entry.campaign_id, entry.user_id, entry.kind)
    _announce(entry)


def _locked_entry(campaign_id: int, user_id: int, kind: str, ref: str) -> ScoreEntry | None:
    """The existing ledger row for (campaign, user, kind, ref), locked for update."""
    return db.session.scalar(
        select(ScoreEntry)
        .where(
            ScoreEntry.campaign_id == campaign_id,
            ScoreEntry.user_id == user_id,
            ScoreEntry.kind == kind,
            ScoreEntry.ref == ref,
        )
        .with_for_update()
    )


def _audit_change(
    entry: ScoreEntry,
    old: dict[str, Any] | None,
    new: dict[str, Any],
    *,
    actor_id: int | None,
    reason: str,
    correction: bool,
) -> None:
    """Audit a changed ledger row as an insert, an update or a post-closure correction."""
    user = db.session.get(User, entry.user_id)
    audit.write(
        "score.correction"
        if correction and is_closed(entry.campaign_id)
        else ("score.update" if old else "score.insert"),
        "score_entry",
        entry.id,
        actor_id=actor_id,
        bureau_id=user.bureau_id if user else None,
        old=old,
        new=new,
        reason=reason,
    )


def _announce(entry: ScoreEntry) -> None:
    """Tell listeners a score was recorded."""
    signals.score_recorded.send(
        entry.kind,
        campaign_id=entry.campaign_id,
        user_id=entry.user_id,
        ref=entry.ref,
        points=entry.points,
        max_points=entry.max_points,
    )


def entries_for(
    user_id: int, campaign_id: int | None = None, limit: int | None = None
) -> list[ScoreEntry]:
    """An officer's ledger rows, newest first (the first ``limit`` of them when given)."""
    stmt = select(ScoreEntry).where(ScoreEntry.user_id == user_id)
    if campaign_id is not None:
        stmt = stmt.where(ScoreEntry.campaign_id == campaign_id)
    stmt = stmt.order_by(ScoreEntry.achieved_at.desc(), ScoreEntry.id.desc()).limit(limit)
    return list(db.session.scalars(stmt))
