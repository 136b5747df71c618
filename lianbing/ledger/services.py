"""The score ledger: the only writer of scores."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select

from lianbing import signals
from lianbing.accounts.models import User
from lianbing.audit import services as audit
from lianbing.dbtypes import utcnow
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


class LedgerClosed(Conflict):
    """A result for a closed campaign (409). The refusal itself is kept in the audit log."""

    keep = True


CLOSED_MESSAGE = (
    "本次练兵活动已结束，成绩已冻结，不能再记入或修改成绩。"
    "如确需更正，请由市局管理员在“成绩更正”中填写原因。"
)


def is_closed(campaign_id: int) -> bool:
    return db.session.get(LedgerClosure, campaign_id) is not None


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
    if not is_closed(campaign_id):
        return
    if correction and reason.strip():
        return
    audit.write(
        "score.refused",
        "campaign",
        campaign_id,
        actor_id=actor_id,
        new={"user_id": user_id, "kind": kind, "ref": ref},
        reason=CLOSED_MESSAGE if not correction else "更正未填写原因",
    )
    if correction:
        raise LedgerClosed("活动结束后的成绩更正须填写原因。")
    raise LedgerClosed(CLOSED_MESSAGE)


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

    A closed campaign refuses (``LedgerClosed``, audited) unless ``correction`` names a reason.
    """
    _check(kind, points, max_points)
    _guard_closed(campaign_id, user_id, kind, ref, correction, reason, actor_id)
    entry = _locked_entry(campaign_id, user_id, kind, ref)
    old = _snapshot(entry) if entry else None
    if entry is None:
        entry = ScoreEntry(campaign_id=campaign_id, user_id=user_id, kind=kind, ref=ref)
        db.session.add(entry)
    entry.points, entry.max_points, entry.achieved_at = float(points), float(max_points), at
    entry.title = title or entry.title or ref
    entry.detail = detail or {}
    entry.updated_at = utcnow()
    db.session.flush()
    new = _snapshot(entry)
    if old != new:
        _audit_change(entry, old, new, actor_id=actor_id, reason=reason, correction=correction)
        totals.changed(
            campaign_id, user_id, kind
        )  # sums for rankings; new version voids cached ones
        _announce(entry)
    return entry


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
