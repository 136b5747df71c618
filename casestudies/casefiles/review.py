"""Cross-review: groups, assignment, item-by-item scoring, reconciliation, the final result.

Each file gets two reviewers from other counties (never a handling officer); each scores blind
to the other. When both have submitted, scores within the group's tolerance and agreeing on the
veto items make the result final (the average); otherwise the group leader reconciles. A final
result gives each handling officer a ``case_file`` ledger row: the file's share of points.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, update

from casestudies.casefiles import assign, results, tables
from casestudies.casefiles.models import (
    CaseFile,
    CaseResult,
    CaseReview,
    ReviewGroup,
    ReviewTable,
)
from casestudies.errors import CaseError, Conflict, NotAllowed
from lianbing.host import User, active_campaign, db, record_score, utcnow, write_audit

REVIEW_SPECIALTY = "review"


@dataclass
class GroupData:
    name: str
    leader_id: int
    member_ids: list[int]
    table_id: int
    tolerance: float = 5.0


def create_group(data: GroupData, *, actor_id: int) -> ReviewGroup:
    """A review group of backbone officers with the 案卷评查 specialty."""
    if not data.name.strip():
        raise CaseError("请填写评查组名称。")
    if data.tolerance < 0:
        raise CaseError("允许分差不能为负数。")
    if db.session.get(ReviewTable, data.table_id) is None:
        raise CaseError("请选择评查表。")
    ids = sorted(set(data.member_ids) | {data.leader_id})
    members = db.session.scalars(select(User).where(User.id.in_(ids))).all()
    outside = [u.display_name for u in members if REVIEW_SPECIALTY not in u.backbone_specialties]
    if outside or len(members) != len(ids):
        raise CaseError(
            f"评查人员须来自执法骨干库（案卷评查专长）：{'、'.join(outside) or '人员不存在'}。"
        )
    group = ReviewGroup(
        name=data.name.strip(),
        leader_id=data.leader_id,
        table_id=data.table_id,
        tolerance=data.tolerance,
    )
    group.members = list(members)
    db.session.add(group)
    db.session.flush()
    write_audit(
        "casestudies.review_group.create",
        "cs_review_group",
        group.id,
        actor_id=actor_id,
        new={"members": ids},
    )
    return group


def file_info(case: CaseFile) -> assign.FileInfo:
    return assign.FileInfo(
        case.id, case.bureau_id, frozenset(u.id for u in case.officers), case.case_no
    )


def check_reviewer(case: CaseFile, reviewer: User) -> None:
    """Refuse a reviewer from the file's county or among its handling officers."""
    if reviewer.bureau_id == case.bureau_id:
        raise NotAllowed(
            f"{reviewer.display_name} 与案卷 {case.case_no} 同属一个单位，不能评查本单位案卷。"
        )
    if reviewer.id in {u.id for u in case.officers}:
        raise NotAllowed(f"{reviewer.display_name} 是案卷 {case.case_no} 的承办人员，不能评查。")


def assign_files(
    group: ReviewGroup, cases: list[CaseFile], *, actor_id: int, seed: int = 0
) -> dict:
    """Give each file two reviewers of the group; the group's table is locked."""
    taken = [c.case_no for c in cases if db.session.get(CaseResult, c.id) is not None]
    if taken:
        raise Conflict(f"案卷 {'、'.join(taken)} 已经分配过评查人员。")
    reviewers = [assign.ReviewerInfo(u.id, u.bureau_id) for u in group.members]
    result = assign.plan([file_info(c) for c in cases], reviewers, seed=seed)
    for case in cases:
        db.session.add(CaseResult(case_file_id=case.id, group_id=group.id, status="open"))
        for rid in result[case.id]:
            db.session.add(CaseReview(case_file_id=case.id, group_id=group.id, reviewer_id=rid))
    tables.lock(group.table)
    db.session.flush()
    write_audit(
        "casestudies.casefile.assign",
        "cs_review_group",
        group.id,
        actor_id=actor_id,
        new={"plan": result},
    )
    return result


@dataclass
class Sheet:
    """A filled review sheet: {key: {"points": n} or {"failed": bool}, "comment", "page"}."""

    items: dict[str, dict] = field(default_factory=dict)


def score_sheet(table: ReviewTable, sheet: Sheet) -> tuple[dict, float, bool]:
    """The checked sheet, its total and whether a veto item failed; refusals name the item."""
    clean, paper, bonus, vetoed = {}, 0.0, 0.0, False
    for key, item in tables.item_index(table).items():
        entry = sheet.items.get(key) or {}
        note = {
            "comment": str(entry.get("comment") or "").strip()[:1000],
            "page": str(entry.get("page") or "").strip()[:40],
        }
        if item["part"] == "veto":
            failed = bool(entry.get("failed"))
            if failed and not note["comment"]:
                raise CaseError(f"否决项 {key}“{item['title']}”判为不合格时须写明理由。")
            clean[key], vetoed = note | {"failed": failed}, vetoed or failed
            continue
        points = _points(entry, item, key)
        clean[key] = note | {"points": points}
        if item["part"] == "items":
            paper += points
        else:
            bonus += points
    total = round(paper + min(bonus, float(table.data.get("bonus_cap", 0))), 2)
    return clean, total, vetoed


def _points(entry: dict, item: dict, key: str) -> float:
    raw = entry.get("points")
    top = float(item["points"])
    if raw in (None, ""):
        return top if item["part"] == "items" else 0.0
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise CaseError(f"{key}“{item['title']}”的得分“{raw}”不是数字。") from None
    if not 0 <= value <= top:
        raise CaseError(f"{key}“{item['title']}”的得分 {value:g} 超出 0 到 {top:g} 分。")
    return value


def submit_review(review: CaseReview, sheet: Sheet, *, actor_id: int) -> CaseReview:
    """Submit one reviewer's sheet, once; then settle the file if every sheet is in."""
    if review.reviewer_id != actor_id:
        raise NotAllowed("这不是分配给你的案卷。")
    scores, total, vetoed = score_sheet(review.group.table, sheet)
    done = db.session.execute(
        update(CaseReview)
        .where(CaseReview.id == review.id, CaseReview.status == "assigned")
        .values(
            status="submitted", scores=scores, total=total, vetoed=vetoed, submitted_at=utcnow()
        )
    )
    if done.rowcount != 1:
        raise Conflict("该案卷的评查表已经提交过，不能再次提交。")
    db.session.refresh(review)
    write_audit(
        "casestudies.casefile.review",
        "cs_case_file",
        review.case_file_id,
        actor_id=actor_id,
        new={"total": total, "vetoed": vetoed},
    )
    settle(db.session.get(CaseResult, review.case_file_id))
    return review


def settle(result: CaseResult) -> None:
    """When every sheet is in: final if they agree within tolerance, else to the leader."""
    reviews = reviews_of(result.case_file_id)
    if len(reviews) < 2 or any(r.status != "submitted" for r in reviews):
        return
    pair = agreeing_pair(reviews, result.group.tolerance)
    if pair is None:
        result.status = "reconcile"
        db.session.flush()
        return
    merged = _merge([r.scores for r in pair])
    finalize(result, merged, round(sum(r.total for r in pair) / 2, 2), actor_id=None)


def agreeing_pair(reviews: list[CaseReview], tolerance: float) -> tuple | None:
    """The two sheets closest in total that agree on the veto items and differ by no more than
    the tolerance (earlier sheets first on a tie), or None. With two reviewers that is both
    sheets or none; a third reviewer's sheet settles the file when it agrees with either."""
    pairs = [
        (abs(a.total - b.total), a.id, b.id, (a, b))
        for i, a in enumerate(reviews)
        for b in reviews[i + 1 :]
        if a.vetoed == b.vetoed and abs(a.total - b.total) <= tolerance
    ]
    return min(pairs, key=lambda p: p[:3])[3] if pairs else None


def _merge(sheets: list[dict]) -> dict:
    """The agreed sheet: average points, a veto failed when every reviewer failed it."""
    out = {}
    for key in sheets[0]:
        entries = [s[key] for s in sheets]
        notes = "；".join(dict.fromkeys(e["comment"] for e in entries if e.get("comment")))
        pages = "，".join(sorted({e["page"] for e in entries if e.get("page")}))
        if "failed" in entries[0]:
            out[key] = {
                "failed": all(e.get("failed") for e in entries),
                "comment": notes,
                "page": pages,
            }
        else:
            out[key] = {
                "points": round(sum(e["points"] for e in entries) / len(entries), 2),
                "comment": notes,
                "page": pages,
            }
    return out


def reconcile(result: CaseResult, sheet: Sheet, *, actor_id: int) -> CaseResult:
    """The group leader's sheet settles a file the reviewers disagreed on."""
    if result.group.leader_id != actor_id:
        raise NotAllowed("只有评查组组长可以裁定分歧。")
    if result.status != "reconcile":
        raise Conflict("该案卷没有待裁定的分歧。")
    scores, total, _ = score_sheet(result.group.table, sheet)
    finalize(result, scores, total, actor_id=actor_id)
    return result


def finalize(result: CaseResult, scores: dict, total: float, *, actor_id: int | None) -> None:
    """Record the final score, the 不合格 reason, and the handling officers' ledger rows."""
    table = result.group.table
    index = tables.item_index(table)
    failed = [k for k, v in scores.items() if v.get("failed")]
    result.scores, result.total, result.passed = scores, total, not failed
    result.fail_reason = "；".join(
        f"{index[k]['title']}" + (f"（{scores[k]['comment']}）" if scores[k].get("comment") else "")
        for k in failed
    )
    result.status, result.reconciled_by, result.finalized_at = "final", actor_id, utcnow()
    db.session.flush()
    results.store_losses(result, index)
    write_audit(
        "casestudies.casefile.result",
        "cs_case_file",
        result.case_file_id,
        actor_id=actor_id,
        new={"total": total, "passed": result.passed},
        reason=result.fail_reason,
    )
    _record_ledger(result, table)


def _record_ledger(result: CaseResult, table: ReviewTable) -> None:
    campaign = active_campaign()
    if campaign is None:
        return
    case = result.case_file
    top = float(table.total_points)
    points = 0.0 if not result.passed else min(float(result.total or 0), top)
    for officer in case.officers:
        record_score(
            officer.id,
            campaign.id,
            "case_file",
            f"casefile:{case.id}",
            points,
            top,
            result.finalized_at,
            {"case_no": case.case_no, "passed": result.passed},
            title=f"案卷评查 {case.case_no}",
            actor_id=result.reconciled_by,
        )


def reviews_of(case_id: int) -> list[CaseReview]:
    return list(
        db.session.scalars(
            select(CaseReview).where(CaseReview.case_file_id == case_id).order_by(CaseReview.id)
        )
    )


def my_reviews(user_id: int) -> list[CaseReview]:
    return list(
        db.session.scalars(
            select(CaseReview)
            .where(CaseReview.reviewer_id == user_id)
            .order_by(CaseReview.status, CaseReview.id)
        )
    )


def to_reconcile(leader_id: int) -> list[CaseResult]:
    return list(
        db.session.scalars(
            select(CaseResult)
            .join(ReviewGroup, ReviewGroup.id == CaseResult.group_id)
            .where(ReviewGroup.leader_id == leader_id, CaseResult.status == "reconcile")
        )
    )


def may_read(case: CaseFile, user_id: int) -> bool:
    """Is the user a reviewer of the file, or the leader of its group?"""
    if db.session.scalar(
        select(CaseReview.id).where(
            CaseReview.case_file_id == case.id, CaseReview.reviewer_id == user_id
        )
    ):
        return True
    result = db.session.get(CaseResult, case.id)
    return result is not None and result.group.leader_id == user_id


def groups() -> list[ReviewGroup]:
    return list(db.session.scalars(select(ReviewGroup).order_by(ReviewGroup.id)))


def unassigned(case_ids: list[int]) -> list[CaseFile]:
    """Files among these that no group reviews yet."""
    done = select(CaseResult.case_file_id)
    return list(
        db.session.scalars(
            select(CaseFile)
            .where(CaseFile.id.in_(case_ids), CaseFile.id.not_in(done))
            .order_by(CaseFile.id)
        )
    )
