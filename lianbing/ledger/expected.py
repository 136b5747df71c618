"""Expected activities: what officers were assigned, so a missed closed activity counts 0.

Parts report only results to the ledger; a part (or an admin) that assigns an activity to
officers declares it here with ``declare()``. Once ``closes_at`` has passed, each officer in the
audience without a ledger row for (kind, ref) has ``max_points`` added to the points available
to them, so the miss lowers their share in that kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from lianbing.audit import services as audit
from lianbing.errors import Invalid
from lianbing.extensions import db
from lianbing.ledger import versions
from lianbing.ledger.models import (
    AUDIENCE_ALL,
    AUDIENCE_BUREAUS,
    AUDIENCE_USERS,
    ExpectedActivity,
    ExpectedAudience,
)
from lianbing.logconfig import event
from lianbing.parts import registry


class ExpectedError(Invalid):
    """An expected activity that cannot be declared (400)."""


@dataclass(frozen=True)
class ExpectedData:
    kind: str
    ref: str
    title: str
    max_points: float
    closes_at: datetime
    #: "all" (every officer), "bureaus" or "users"
    audience: str = AUDIENCE_ALL
    #: bureau ids or user ids, depending on audience
    ids: tuple[int, ...] = ()


def declare(
    campaign_id: int, data: ExpectedData, *, actor_id: int | None = None
) -> ExpectedActivity:
    """Create or replace the expected activity (campaign, kind, ref)."""
    _check(data)
    row = db.session.scalar(
        select(ExpectedActivity).where(
            ExpectedActivity.campaign_id == campaign_id,
            ExpectedActivity.kind == data.kind,
            ExpectedActivity.ref == data.ref,
        )
    )
    if row is None:
        row = ExpectedActivity(campaign_id=campaign_id, kind=data.kind, ref=data.ref)
        db.session.add(row)
    elif _same(row, data):
        return row  # re-declaring an unchanged activity (e.g. a demo reload) changes nothing
    row.title, row.max_points, row.closes_at = (
        data.title or data.ref,
        float(data.max_points),
        data.closes_at,
    )
    row.audience = data.audience
    row.members = [_member(data.audience, i) for i in data.ids]
    db.session.flush()
    versions.bump(campaign_id)
    audit.write(
        "expected.declare",
        "expected_activity",
        row.id,
        actor_id=actor_id,
        new={"kind": data.kind, "ref": data.ref, "audience": data.audience, "ids": list(data.ids)},
    )
    event(
        "ledger",
        "expected activity %s:%s declared",
        data.kind,
        data.ref,
        campaign_id=campaign_id,
        expected_id=row.id,
        actor_id=actor_id,
    )
    return row


def _same(row: ExpectedActivity, data: ExpectedData) -> bool:
    ids = sorted(m.bureau_id or m.user_id for m in row.members)
    return (row.title, row.max_points, row.closes_at, row.audience, ids) == (
        data.title or data.ref,
        float(data.max_points),
        data.closes_at,
        data.audience,
        sorted(data.ids),
    )


def _member(audience: str, target: int) -> ExpectedAudience:
    if audience == AUDIENCE_BUREAUS:
        return ExpectedAudience(bureau_id=target)
    return ExpectedAudience(user_id=target)


def _check(data: ExpectedData) -> None:
    if data.kind not in registry().kinds:
        raise ExpectedError(f"未知的活动类型：{data.kind}")
    if data.max_points <= 0:
        raise ExpectedError("满分必须大于 0")
    if data.audience not in (AUDIENCE_ALL, AUDIENCE_BUREAUS, AUDIENCE_USERS):
        raise ExpectedError("参加范围须为全部执法人员、指定单位或指定人员")
    if data.audience != AUDIENCE_ALL and not data.ids:
        raise ExpectedError("请指定参加的单位或人员")


def remove(campaign_id: int, kind: str, ref: str, *, actor_id: int | None = None) -> None:
    """Withdraw an expected activity (e.g. the part deleted it)."""
    row = db.session.scalar(
        select(ExpectedActivity).where(
            ExpectedActivity.campaign_id == campaign_id,
            ExpectedActivity.kind == kind,
            ExpectedActivity.ref == ref,
        )
    )
    if row is not None:
        db.session.delete(row)
        db.session.flush()
        versions.bump(campaign_id)
        audit.write(
            "expected.remove",
            "expected_activity",
            row.id,
            actor_id=actor_id,
            old={"kind": kind, "ref": ref},
        )
        event(
            "ledger",
            "expected activity %s:%s withdrawn",
            kind,
            ref,
            campaign_id=campaign_id,
            expected_id=row.id,
            actor_id=actor_id,
        )


def listing(campaign_id: int) -> list[ExpectedActivity]:
    """The campaign's expected activities, the soonest to close first."""
    return list(
        db.session.scalars(
            select(ExpectedActivity)
            .where(ExpectedActivity.campaign_id == campaign_id)
            .order_by(ExpectedActivity.closes_at)
        )
    )
