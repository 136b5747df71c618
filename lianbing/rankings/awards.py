"""Manual 实战练兵 awards: entered by bureau or city admins, approved by the city, then ledgered."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from lianbing.accounts.models import User
from lianbing.audit import services as audit
from lianbing.auth import CITY_ADMIN, can_manage_bureau
from lianbing.dbtypes import utcnow
from lianbing.errors import Invalid
from lianbing.extensions import db
from lianbing.files import services as files
from lianbing.ledger import services as ledger
from lianbing.logconfig import event
from lianbing.rankings.models import Award

CATEGORIES = ("现场检查", "交叉检查", "办理案件", "取证与笔录", "总结报告", "其他")
EVIDENCE_TYPES = files.DOCUMENTS | files.IMAGES
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
MAX_POINTS = 10.0


class AwardError(Invalid):
    """An award that is refused (400); the message is for people."""


class AwardForbidden(AwardError):
    """The actor may not do this to this award (403)."""

    status = 403


class AwardConflict(AwardError):
    """The award was already decided (409)."""

    status = 409


@dataclass(frozen=True)
class AwardData:
    user_id: int
    category: str
    title: str
    points: float
    reason: str


def _check(data: AwardData, actor: User) -> User:
    officer = db.session.get(User, data.user_id)
    if officer is None or not officer.is_active_:
        raise AwardError("找不到该执法人员。")
    if not can_manage_bureau(actor, officer.bureau_id):
        raise AwardForbidden("只能为本单位人员申报实战练兵加分。")
    if not (data.reason or "").strip():
        raise AwardError("请填写加分理由。")
    if not (data.title or "").strip():
        raise AwardError("请填写加分事项。")
    if data.category not in CATEGORIES:
        raise AwardError("请选择加分类别。")
    if not 0 < data.points <= MAX_POINTS:
        raise AwardError(f"加分须大于 0 且不超过 {MAX_POINTS:g} 分。")
    return officer


def propose(campaign_id: int, data: AwardData, evidence: FileStorage | None, actor: User) -> Award:
    """A bureau or city admin proposes an award with its evidence file; it waits for the city."""
    officer = _check(data, actor)
    stored = _store_evidence(evidence, actor)
    award = Award(
        campaign_id=campaign_id,
        user_id=officer.id,
        bureau_id=officer.bureau_id,
        category=data.category,
        title=data.title.strip(),
        points=float(data.points),
        max_points=MAX_POINTS,
        reason=data.reason.strip(),
        evidence_id=stored.id,
        status="pending",
        created_by=actor.id,
        created_at=utcnow(),
    )
    db.session.add(award)
    db.session.flush()
    _record_proposed(award, officer, actor)
    return award


def _store_evidence(evidence: FileStorage | None, actor: User):
    """Require and store the award's evidence file."""
    if evidence is None or not evidence.filename:
        raise AwardError("请上传证明材料。")
    # the stored label predates the rankings package: kept, so every award's evidence
    # has the same one
    return files.store(
        evidence,
        owner_kind="scoring.award",
        allowed=EVIDENCE_TYPES,
        max_bytes=EVIDENCE_MAX_BYTES,
        user_id=actor.id,
    )


def _record_proposed(award: Award, officer: User, actor: User) -> None:
    """Audit and log a newly proposed award."""
    audit.write(
        "award.propose",
        "award",
        award.id,
        actor_id=actor.id,
        bureau_id=officer.bureau_id,
        new={"user_id": officer.id, "points": award.points, "title": award.title},
        reason=award.reason,
    )
    event(
        "rankings",
        "award %s proposed for user %s",
        award.id,
        officer.id,
        award_id=award.id,
        campaign_id=award.campaign_id,
        bureau_id=officer.bureau_id,
        actor_id=actor.id,
    )


def decide(award: Award, approve: bool, actor: User, note: str = "") -> None:
    """The city approves (writing the ledger row) or rejects (with a note) a pending award."""
    _check_decision(award, approve, actor, note)
    award.status, award.decided_by, award.decided_at = (
        ("approved" if approve else "rejected"),
        actor.id,
        utcnow(),
    )
    award.decision_note = note.strip()
    db.session.flush()
    _record_decided(award, actor, note)
    if approve:
        _ledger_award(award, actor)


def _check_decision(award: Award, approve: bool, actor: User, note: str) -> None:
    """Only the city decides, only a pending award, and a rejection names its reason."""
    if actor.role != CITY_ADMIN:
        raise AwardForbidden("只有市局管理员可以审批加分。")
    if award.status != "pending":
        raise AwardConflict("该加分已审批过。")
    if not approve and not note.strip():
        raise AwardError("退回加分须填写原因。")


def _record_decided(award: Award, actor: User, note: str) -> None:
    """Audit and log the decision on an award."""
    audit.write(
        f"award.{award.status}",
        "award",
        award.id,
        actor_id=actor.id,
        bureau_id=award.bureau_id,
        old={"status": "pending"},
        new={"status": award.status},
        reason=note,
    )
    event(
        "rankings",
        "award %s %s",
        award.id,
        award.status,
        award_id=award.id,
        bureau_id=award.bureau_id,
        actor_id=actor.id,
    )


def _ledger_award(award: Award, actor: User) -> None:
    """Write the approved award's points to the score ledger."""
    ledger.record(
        award.user_id,
        award.campaign_id,
        "award",
        f"award:{award.id}",
        award.points,
        award.max_points,
        award.created_at,
        {"category": award.category, "award_id": award.id},
        title=f"{award.category}：{award.title}",
        actor_id=actor.id,
        reason=award.reason,
    )


def visible_to(campaign_id: int, user: User) -> list[Award]:
    """Awards of the campaign the user may see: all for the city, own bureau for a bureau admin."""
    stmt = select(Award).where(Award.campaign_id == campaign_id).order_by(Award.created_at.desc())
    if user.role != CITY_ADMIN:
        stmt = stmt.where(Award.bureau_id == user.bureau_id)
    return list(db.session.scalars(stmt))


def for_user(campaign_id: int, user_id: int) -> list[Award]:
    """One officer's awards in the campaign, oldest first."""
    return list(
        db.session.scalars(
            select(Award)
            .where(Award.campaign_id == campaign_id, Award.user_id == user_id)
            .order_by(Award.created_at)
        )
    )
