"""Nominations of advanced individuals and the city's recommendations to the province."""

from __future__ import annotations

from sqlalchemy import func, select

from lianbing.accounts.models import Bureau, User
from lianbing.audit import services as audit
from lianbing.auth import BUREAU_ADMIN, CITY_ADMIN, scope_to_bureau
from lianbing.campaign.models import Campaign
from lianbing.counters import services as counters
from lianbing.dbtypes import utcnow
from lianbing.documents import score
from lianbing.errors import Invalid
from lianbing.extensions import db
from lianbing.logconfig import event
from lianbing.rankings import closing, measures, rules
from lianbing.rankings.models import Nomination, Recommendation
from lianbing.rankings.ranking import ranking_of

OPEN = ("draft", "submitted", "accepted")

# the report's nomination figures (self-evaluation evidence) are cached under this version
counters.watch(Nomination, lambda row: [f"nominations:{row.campaign_id}"])


class NominationError(Invalid):
    """A nomination step that is refused (400); the message is for people."""


class NominationForbidden(NominationError):
    """The actor may not act on this bureau or nomination (403)."""

    status = 403


class NominationConflict(NominationError):
    """Refused because of the state: quota full, deadline passed, already decided (409)."""

    status = 409


def _snapshot(campaign: Campaign, user_id: int) -> dict | None:
    """The nominee's numbers as the screen shows them (the final snapshot once closed)."""
    snap = closing.snapshot_of(campaign, user_id)
    return {**snap, "taken_at": utcnow().isoformat()} if snap else None


def _open_count(campaign_id: int, bureau_id: int, excluding: int | None = None) -> int:
    stmt = (
        select(func.count())
        .select_from(Nomination)
        .where(
            Nomination.campaign_id == campaign_id,
            Nomination.bureau_id == bureau_id,
            Nomination.status.in_(OPEN),
        )
    )
    if excluding:
        stmt = stmt.where(Nomination.id != excluding)
    return db.session.scalar(stmt)


def _check_actor(officer: User | None, actor: User) -> None:
    if actor.role == BUREAU_ADMIN:
        if officer is None or officer.bureau_id != actor.bureau_id:
            raise NominationForbidden("只能提名本单位的执法人员。")
    elif actor.role == CITY_ADMIN:
        if officer is None or not officer.bureau.is_city:
            raise NominationForbidden("市局只能提名本局工作人员（市级先进个人）。")
    else:
        raise NominationForbidden("只有县级管理员和市局管理员可以提名。")


def _check_nominee(campaign: Campaign, officer: User | None, actor: User) -> dict:
    _check_actor(officer, actor)
    if rules.deadline_passed(campaign.id):
        raise NominationConflict("提名截止时间已过，不能再提名。")
    snap = _snapshot(campaign, officer.id)
    if snap is None:
        raise NominationError("该人员不在本活动的排名中。")
    if not snap["eligible"]:
        raise NominationError("该人员不符合推荐条件：" + "；".join(snap["reasons"]))
    return snap


def quota_left(campaign: Campaign, bureau_id: int) -> int:
    """How many more nominations the bureau may submit."""
    return max(0, campaign.nomination_quota - _open_count(campaign.id, bureau_id))


def nominate(campaign: Campaign, officer_id: int, justification: str, actor: User) -> Nomination:
    """A county admin nominates an officer of their bureau, the city one of its own staff,
    each up to the campaign's quota per bureau."""
    officer = db.session.get(User, officer_id)
    snap = _check_nominee(campaign, officer, actor)
    if not justification.strip():
        raise NominationError("请填写推荐理由（主要事迹）。")
    _check_can_add(campaign, officer)
    nomination = Nomination(
        campaign_id=campaign.id,
        bureau_id=officer.bureau_id,
        user_id=officer.id,
        justification=justification.strip(),
        status="submitted",
        nominated_by=actor.id,
        submitted_at=utcnow(),
        snapshot=snap,
    )
    db.session.add(nomination)
    db.session.flush()
    _record_submitted(campaign, nomination, officer, actor)
    return nomination


def _check_can_add(campaign: Campaign, officer: User) -> None:
    """Refuse a nomination beyond the bureau's quota or for an officer already nominated."""
    if not quota_left(campaign, officer.bureau_id):
        raise NominationConflict(f"本单位提名已达名额上限（{campaign.nomination_quota} 名）。")
    if db.session.scalar(
        select(Nomination.id).where(
            Nomination.campaign_id == campaign.id, Nomination.user_id == officer.id
        )
    ):
        raise NominationConflict("该人员已被提名。")


def _record_submitted(
    campaign: Campaign, nomination: Nomination, officer: User, actor: User
) -> None:
    """Audit and log a newly submitted nomination."""
    audit.write(
        "nomination.submit",
        "nomination",
        nomination.id,
        actor_id=actor.id,
        bureau_id=officer.bureau_id,
        new={"user_id": officer.id, "snapshot": nomination.snapshot},
        reason=nomination.justification,
    )
    event(
        "rankings",
        "nomination %s submitted for user %s",
        nomination.id,
        officer.id,
        nomination_id=nomination.id,
        campaign_id=campaign.id,
        bureau_id=officer.bureau_id,
        actor_id=actor.id,
    )


def resubmit(campaign: Campaign, nomination: Nomination, justification: str, actor: User) -> None:
    """A reopened (draft) nomination is edited and submitted again, with a fresh snapshot."""
    if nomination.status != "draft":
        raise NominationConflict("已提交的提名不能修改；如需修改请联系市局重新打开。")
    snap = _check_nominee(campaign, nomination.user, actor)
    if not justification.strip():
        raise NominationError("请填写推荐理由（主要事迹）。")
    old = {"justification": nomination.justification, "status": nomination.status}
    nomination.justification, nomination.status, nomination.submitted_at = (
        justification.strip(),
        "submitted",
        utcnow(),
    )
    nomination.snapshot = snap
    db.session.flush()
    audit.write(
        "nomination.submit",
        "nomination",
        nomination.id,
        actor_id=actor.id,
        bureau_id=nomination.bureau_id,
        old=old,
        new={"status": "submitted"},
        reason=nomination.justification,
    )
    event(
        "rankings",
        "nomination %s resubmitted",
        nomination.id,
        nomination_id=nomination.id,
        bureau_id=nomination.bureau_id,
        actor_id=actor.id,
    )


def decide(nomination: Nomination, accept: bool, actor: User, reason: str = "") -> None:
    """The city accepts a submitted nomination or returns it with a reason."""
    if actor.role != CITY_ADMIN:
        raise NominationForbidden("只有市局管理员可以审核提名。")
    if nomination.status != "submitted":
        raise NominationConflict("只有已提交的提名可以审核。")
    if not accept and not reason.strip():
        raise NominationError("退回提名须填写原因。")
    old = {"status": nomination.status}
    nomination.status = "accepted" if accept else "returned"
    nomination.return_reason = "" if accept else reason.strip()
    nomination.decided_by, nomination.decided_at = actor.id, utcnow()
    db.session.flush()
    audit.write(
        f"nomination.{nomination.status}",
        "nomination",
        nomination.id,
        actor_id=actor.id,
        bureau_id=nomination.bureau_id,
        old=old,
        new={"status": nomination.status},
        reason=reason,
    )
    event(
        "rankings",
        "nomination %s %s",
        nomination.id,
        nomination.status,
        nomination_id=nomination.id,
        bureau_id=nomination.bureau_id,
        actor_id=actor.id,
    )


def reopen(nomination: Nomination, actor: User, reason: str) -> None:
    """The city reopens a frozen nomination so the bureau can change it (audited, with a reason)."""
    if actor.role != CITY_ADMIN:
        raise NominationForbidden("只有市局管理员可以重新打开提名。")
    if not reason.strip():
        raise NominationError("重新打开提名须填写原因。")
    if nomination.status == "draft":
        raise NominationConflict("该提名已处于可修改状态。")
    old = {"status": nomination.status}
    db.session.execute(
        Recommendation.__table__.delete().where(Recommendation.nomination_id == nomination.id)
    )
    nomination.status, nomination.decided_by, nomination.decided_at = "draft", None, None
    db.session.flush()
    audit.write(
        "nomination.reopen",
        "nomination",
        nomination.id,
        actor_id=actor.id,
        bureau_id=nomination.bureau_id,
        old=old,
        new={"status": "draft"},
        reason=reason,
    )
    event(
        "rankings",
        "nomination %s reopened",
        nomination.id,
        nomination_id=nomination.id,
        bureau_id=nomination.bureau_id,
        actor_id=actor.id,
    )


def visible_to(campaign_id: int, user: User) -> list[Nomination]:
    """The campaign's nominations the user may see: all for the city, else those of the user's
    bureau and the bureaus below it (a province's admin reads its cities' and counties')."""
    stmt = (
        select(Nomination)
        .join(Bureau, Bureau.id == Nomination.bureau_id)
        .where(Nomination.campaign_id == campaign_id)
        .order_by(Bureau.code, Nomination.id)
    )
    return list(db.session.scalars(scope_to_bureau(stmt, user, Nomination.bureau_id)))


# --- recommendations to the province ----------------------------------------------------


def recommendations(campaign_id: int) -> list[Recommendation]:
    """The city's picks for the province, by category."""
    return list(
        db.session.scalars(
            select(Recommendation)
            .where(Recommendation.campaign_id == campaign_id)
            .order_by(Recommendation.category, Recommendation.id)
        )
    )


def recommend(
    campaign_id: int,
    category: str,
    actor: User,
    *,
    bureau_id: int | None = None,
    nomination_id: int | None = None,
    statement: str = "",
) -> Recommendation:
    """The city picks a collective (a county bureau, with its 事迹) or an accepted nomination,
    within quota; one person holds at most one slot."""
    _check_recommendation(campaign_id, category, actor, bureau_id, nomination_id, statement)
    rec = Recommendation(
        campaign_id=campaign_id,
        category=category,
        bureau_id=bureau_id,
        nomination_id=nomination_id,
        selected_by=actor.id,
        selected_at=utcnow(),
        statement=statement.strip(),
        measures=collective_measures(campaign_id, bureau_id) if bureau_id else [],
    )
    db.session.add(rec)
    db.session.flush()
    _record_recommended(rec, actor)
    return rec


def _check_recommendation(
    campaign_id: int,
    category: str,
    actor: User,
    bureau_id: int | None,
    nomination_id: int | None,
    statement: str,
) -> None:
    """Refuse a recommendation not by the city, of an unknown category, over quota or repeated."""
    if actor.role != CITY_ADMIN:
        raise NominationForbidden("只有市局管理员可以确定推荐名单。")
    if category not in rules.PROVINCE_CATEGORIES:
        raise NominationError("未知的推荐类别。")
    _check_target(campaign_id, category, bureau_id, nomination_id)
    if category == "county_collective" and not statement.strip():
        raise NominationError("推荐先进集体须填写主要事迹。")
    taken = [r for r in recommendations(campaign_id) if r.category == category]
    if len(taken) >= rules.quotas(campaign_id)[category]:
        raise NominationConflict(f"“{rules.PROVINCE_CATEGORIES[category]}”已达推荐名额。")
    if any(r.bureau_id == bureau_id and r.nomination_id == nomination_id for r in taken):
        raise NominationConflict("已在推荐名单中。")
    _check_one_slot(campaign_id, category, nomination_id)


def _record_recommended(rec: Recommendation, actor: User) -> None:
    """Audit and log a recommendation just added."""
    audit.write(
        "recommendation.add",
        "recommendation",
        rec.id,
        actor_id=actor.id,
        bureau_id=rec.bureau_id,
        new={
            "category": rec.category,
            "bureau_id": rec.bureau_id,
            "nomination_id": rec.nomination_id,
        },
        reason=rec.statement,
    )
    event(
        "rankings",
        "recommendation %s added (%s)",
        rec.id,
        rec.category,
        recommendation_id=rec.id,
        campaign_id=rec.campaign_id,
        bureau_id=rec.bureau_id,
        nomination_id=rec.nomination_id,
        actor_id=actor.id,
    )


def _check_one_slot(campaign_id: int, category: str, nomination_id: int | None) -> None:
    """One person, one slot: refused naming the slot they already hold."""
    if nomination_id is None:
        return
    for other in recommendations(campaign_id):
        if other.nomination_id == nomination_id and other.category != category:
            name = other.nomination.user.display_name
            raise NominationConflict(
                f"{name}已被推荐为“{rules.PROVINCE_CATEGORIES[other.category]}”，"
                "同一人不能同时占用两个推荐名额。"
            )


def collective_measures(campaign_id: int, bureau_id: int) -> list[dict]:
    """The bureau measures that justify a collective, as shown when it was picked."""
    campaign, bureau = db.session.get(Campaign, campaign_id), db.session.get(Bureau, bureau_id)
    rows = {b.bureau_id: b for b in measures.bureau_ranking(ranking_of(campaign, bureau))}
    row = rows.get(bureau_id)
    if row is None:
        return []
    labels = {m.name: m.label for m in measures.all_measures()}
    return [
        {"label": "集体综合得分", "value": score(row.score)},
        {"label": "集体排名", "value": row.rank},
        *(
            {"label": labels.get(k, k), "value": score(100 * v, 1), "unit": "%"}
            for k, v in row.values.items()
        ),
    ]


def _check_target(
    campaign_id: int, category: str, bureau_id: int | None, nomination_id: int | None
) -> None:
    if category == "county_collective":
        bureau = db.session.get(Bureau, bureau_id) if bureau_id and not nomination_id else None
        if bureau is None or bureau.is_city:
            raise NominationError("请选择一个县级单位。")
        return
    nomination = (
        db.session.get(Nomination, nomination_id) if nomination_id and not bureau_id else None
    )
    if (
        nomination is None
        or nomination.campaign_id != campaign_id
        or nomination.status != "accepted"
    ):
        raise NominationError("只能推荐已通过审核的提名人选。")
    if category == "county_individual" and nomination.user.bureau.is_city:
        raise NominationError("县级先进个人须是县级单位的执法人员。")


def withdraw(rec: Recommendation, actor: User) -> None:
    """The city takes a pick off the list."""
    if actor.role != CITY_ADMIN:
        raise NominationForbidden("只有市局管理员可以修改推荐名单。")
    audit.write(
        "recommendation.remove",
        "recommendation",
        rec.id,
        actor_id=actor.id,
        bureau_id=rec.bureau_id,
        old={
            "category": rec.category,
            "bureau_id": rec.bureau_id,
            "nomination_id": rec.nomination_id,
        },
    )
    event(
        "rankings",
        "recommendation %s withdrawn",
        rec.id,
        recommendation_id=rec.id,
        actor_id=actor.id,
    )
    db.session.delete(rec)
    db.session.flush()
