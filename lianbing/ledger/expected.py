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

from lianbing.accounts.models import Bureau, User
from lianbing.audit import services as audit
from lianbing.errors import Invalid
from lianbing.extensions import db
from lianbing.ledger import totals, versions
from lianbing.ledger.models import (
    AUDIENCE_ALL,
    AUDIENCE_BUREAUS,
    AUDIENCE_USERS,
    ExpectedActivity,
    ExpectedAudience,
    ExpectedExemption,
    ScoreEntry,
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
    row = _declared_row(campaign_id, data)
    if row is None:
        row = ExpectedActivity(campaign_id=campaign_id, kind=data.kind, ref=data.ref)
        db.session.add(row)
    elif _same(row, data):
        return row  # re-declaring an unchanged activity (e.g. a demo reload) changes nothing
    credit = _credit(row)
    row.title, row.max_points, row.closes_at = (
        data.title or data.ref,
        float(data.max_points),
        data.closes_at,
    )
    row.audience = data.audience
    row.members = [_member(data.audience, i) for i in data.ids]
    db.session.flush()
    versions.bump(campaign_id)
    if _credit(row) != credit:
        totals.expected_changed(campaign_id, data.kind, data.ref)
    _record_declared(campaign_id, row, data, actor_id)
    return row


def _credit(row: ExpectedActivity) -> float:
    """What a result of the activity adds to its cell's ``expected_max`` (only everyone-activities
    count there): the cells need recomputing only when this changes."""
    return float(row.max_points or 0.0) if row.audience == AUDIENCE_ALL else 0.0


def _declared_row(campaign_id: int, data: ExpectedData) -> ExpectedActivity | None:
    """The expected activity already declared for (campaign, kind, ref), if any."""
    return db.session.scalar(
        select(ExpectedActivity).where(
            ExpectedActivity.campaign_id == campaign_id,
            ExpectedActivity.kind == data.kind,
            ExpectedActivity.ref == data.ref,
        )
    )


def _record_declared(
    campaign_id: int, row: ExpectedActivity, data: ExpectedData, actor_id: int | None
) -> None:
    """Audit and log a declared expected activity."""
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
        credit = _credit(row)
        db.session.delete(row)
        db.session.flush()
        versions.bump(campaign_id)
        if credit:
            totals.expected_changed(campaign_id, kind, ref)
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


# --- what parts call when they publish or cancel an activity ---------------------------------


def declare_expected(
    campaign_id: int | None,
    kind: str,
    ref: str,
    title: str,
    max_points: float,
    closes_at: datetime | None,
    audience: str = AUDIENCE_ALL,
    ids: tuple[int, ...] | list[int] = (),
    *,
    actor_id: int | None = None,
) -> ExpectedActivity | None:
    """A part published an activity with an audience: expect it of that audience.

    Nothing is declared without a campaign, a close date or points (an open-ended practice
    cannot be missed). ``audience`` is "all" (every officer), "bureaus" or "users" with ``ids``.
    """
    if campaign_id is None or closes_at is None or not max_points or max_points <= 0:
        return None
    ids = _existing(audience, ids)
    if audience != AUDIENCE_ALL and not ids:  # nobody the activity names exists (any more)
        remove(campaign_id, kind, ref, actor_id=actor_id)
        return None
    data = ExpectedData(kind, ref, title, float(max_points), closes_at, audience, ids)
    return declare(campaign_id, data, actor_id=actor_id)


def _existing(audience: str, ids) -> tuple[int, ...]:
    """The named bureaus or users that exist (a part's audience may name a removed one)."""
    if audience == AUDIENCE_ALL or not ids:
        return ()
    model = Bureau if audience == AUDIENCE_BUREAUS else User
    return tuple(sorted(db.session.scalars(select(model.id).where(model.id.in_(list(ids))))))


def withdraw_expected(
    campaign_id: int | None, kind: str, ref: str, *, actor_id: int | None = None
) -> None:
    """A part cancelled or unpublished an activity: nobody is expected to do it any more."""
    if campaign_id is not None:
        remove(campaign_id, kind, ref, actor_id=actor_id)


# --- exemptions ------------------------------------------------------------------------------


def exempt(row: ExpectedActivity, user_id: int, reason: str, *, actor_id: int | None) -> None:
    """The city excuses one officer from one activity (leave, duty): audited, with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ExpectedError("请填写免除原因（如请假、执行任务）。")
    found = db.session.scalar(
        select(ExpectedExemption).where(
            ExpectedExemption.expected_id == row.id, ExpectedExemption.user_id == user_id
        )
    )
    if found is not None:
        raise ExpectedError("该人员已免除此项活动。")
    item = ExpectedExemption(
        expected_id=row.id, user_id=user_id, reason=reason[:200], created_by=actor_id
    )
    db.session.add(item)
    db.session.flush()
    versions.bump(row.campaign_id)
    audit.write(
        "expected.exempt",
        "expected_activity",
        row.id,
        actor_id=actor_id,
        new={"user_id": user_id, "kind": row.kind, "ref": row.ref},
        reason=reason,
    )


def exempted(campaign_id: int, expected_ids: list[int] | None = None) -> dict[int, set[int]]:
    """{expected id: exempt user ids} for the campaign (or only the given activities)."""
    stmt = (
        select(ExpectedExemption.expected_id, ExpectedExemption.user_id)
        .join(ExpectedActivity, ExpectedActivity.id == ExpectedExemption.expected_id)
        .where(ExpectedActivity.campaign_id == campaign_id)
    )
    if expected_ids is not None:
        stmt = stmt.where(ExpectedExemption.expected_id.in_(expected_ids))
    out: dict[int, set[int]] = {}
    for expected_id, user_id in db.session.execute(stmt):
        out.setdefault(expected_id, set()).add(user_id)
    return out


@dataclass(frozen=True)
class ExpectedLine:
    """One expected activity as one officer sees it."""

    title: str
    kind: str
    ref: str
    max_points: float
    closes_at: datetime
    #: "done", "missed", "exempt" or "open"
    status: str
    points: float | None = None
    reason: str = ""


STATUS_LABELS = {"done": "已完成", "missed": "未参加", "exempt": "已免除", "open": "进行中"}


def applies_to(row: ExpectedActivity, user: User) -> bool:
    if row.audience == AUDIENCE_ALL:
        return user.role == "officer"
    if row.audience == AUDIENCE_BUREAUS:
        return any(m.bureau_id == user.bureau_id for m in row.members)
    return any(m.user_id == user.id for m in row.members)


def _points_done(campaign_id: int, user: User) -> dict[tuple[str, str], float]:
    """The officer's ledger points in the campaign by (kind, ref)."""
    return {
        (e.kind, e.ref): e.points
        for e in db.session.scalars(
            select(ScoreEntry).where(
                ScoreEntry.campaign_id == campaign_id, ScoreEntry.user_id == user.id
            )
        )
    }


def _exemption_reasons(user: User) -> dict[int, str]:
    """The officer's exemption reasons by expected activity id."""
    return dict(
        db.session.execute(
            select(ExpectedExemption.expected_id, ExpectedExemption.reason).where(
                ExpectedExemption.user_id == user.id
            )
        ).all()
    )


def lines_for(campaign_id: int, user: User, now: datetime) -> list[ExpectedLine]:
    """Every activity expected of the officer, with done / missed / exempt / open."""
    done = _points_done(campaign_id, user)
    reasons = _exemption_reasons(user)
    out = []
    for row in listing(campaign_id):
        if not applies_to(row, user):
            continue
        points = done.get((row.kind, row.ref))
        if points is not None:
            status = "done"
        elif row.id in reasons:
            status = "exempt"
        else:
            status = "missed" if row.closes_at <= now else "open"
        out.append(
            ExpectedLine(
                row.title,
                row.kind,
                row.ref,
                row.max_points,
                row.closes_at,
                status,
                points,
                reasons.get(row.id, ""),
            )
        )
    return out
