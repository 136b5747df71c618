"""A third opinion: when two reviewers differ beyond the tolerance, the group leader or the city
may add a further reviewer instead of reconciling; the two closest sheets then settle the file
(``review.agreeing_pair``), or the leader still reconciles."""

from __future__ import annotations

from sqlalchemy import select

from casestudies.casefiles import pool
from casestudies.casefiles.models import CaseFile, CaseResult, CaseReview
from casestudies.casefiles.review import REVIEW_SPECIALTY, check_reviewer
from casestudies.errors import CaseError, Conflict, NotAllowed
from lianbing.host import CITY_ADMIN, User, db, write_audit


def may_add(result: CaseResult, user) -> bool:
    """The group's leader and the city may add a reviewer."""
    return user.role == CITY_ADMIN or result.group.leader_id == user.id


def assigned_ids(case_id: int) -> set[int]:
    return set(
        db.session.scalars(select(CaseReview.reviewer_id).where(CaseReview.case_file_id == case_id))
    )


def candidates(case: CaseFile) -> list[User]:
    """Pool reviewers (案卷评查) who may take the file: not of its county, not a handling
    officer, not already assigned to it."""
    taken = assigned_ids(case.id) | {u.id for u in case.officers}
    return [
        u
        for u in pool.pool(REVIEW_SPECIALTY)
        if u.bureau_id != case.bureau_id and u.id not in taken
    ]


def add_reviewer(case: CaseFile, reviewer: User, *, actor) -> CaseReview:
    """A third reviewer for a file whose reviewers disagreed beyond the tolerance."""
    result = db.session.get(CaseResult, case.id)
    if result is None:
        raise CaseError("该案卷还没有分配评查组。")
    if not may_add(result, actor):
        raise NotAllowed("只有评查组组长或市局可以增派评查人。")
    if result.status != "reconcile":
        raise Conflict(f"案卷 {case.case_no} 没有超出允许分差的分歧，不能增派评查人。")
    check_reviewer(case, reviewer)
    if REVIEW_SPECIALTY not in reviewer.backbone_specialties or not reviewer.is_active_:
        raise CaseError(f"{reviewer.display_name} 不在执法骨干库（案卷评查专长）中。")
    if reviewer.id in assigned_ids(case.id):
        raise Conflict(f"{reviewer.display_name} 已是案卷 {case.case_no} 的评查人。")
    review = CaseReview(case_file_id=case.id, group_id=result.group_id, reviewer_id=reviewer.id)
    db.session.add(review)
    result.status = "open"
    db.session.flush()
    write_audit(
        "casestudies.casefile.add_reviewer",
        "cs_case_file",
        case.id,
        actor_id=actor.id,
        bureau_id=case.bureau_id,
        new={"reviewer": reviewer.id},
    )
    return review


def disputed() -> list[CaseResult]:
    """Files waiting for the leader: their reviewers differed beyond the tolerance."""
    return list(
        db.session.scalars(
            select(CaseResult)
            .where(CaseResult.status == "reconcile")
            .order_by(CaseResult.case_file_id)
        )
    )
