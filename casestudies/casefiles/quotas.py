"""Per-category quotas of the files a county proposes (自选): the city sets them, the county
proposes up to them. A category without a quota is not limited; a quota of 0 closes it."""

from __future__ import annotations

from sqlalchemy import func, select

from casestudies.casefiles.models import CATEGORIES, CaseFile, CaseSelection, ProposalQuota
from casestudies.errors import CaseError, Conflict
from lianbing.host import db, utcnow, write_audit

#: the largest quota the city may set for one category
MAX_QUOTA = 100


def quotas() -> dict[str, int]:
    """{category: quota} of the categories that have one."""
    return dict(db.session.execute(select(ProposalQuota.category, ProposalQuota.quota)).all())


def set_quotas(values: dict[str, int | None], *, actor_id: int) -> dict[str, int]:
    """Store the city's quotas (None removes one), audited; refuses a bad value by category."""
    for key, value in values.items():
        if key not in CATEGORIES:
            raise CaseError(f"未知的案件类别“{key}”。")
        if value is not None and not 0 <= value <= MAX_QUOTA:
            raise CaseError(f"“{CATEGORIES[key]}”的自选限额须在 0 到 {MAX_QUOTA} 份之间。")
    old = quotas()
    for key, value in values.items():
        row = db.session.get(ProposalQuota, key)
        if value is None:
            if row is not None:
                db.session.delete(row)
            continue
        row = row or ProposalQuota(category=key)
        row.quota, row.updated_by, row.updated_at = value, actor_id, utcnow()
        db.session.add(row)
    db.session.flush()
    new = quotas()
    if new != old:
        write_audit(
            "casestudies.casefile.quota",
            "cs_proposal_quotas",
            None,
            actor_id=actor_id,
            old=old,
            new=new,
        )
    return new


def proposed_counts(bureau_id: int) -> dict[str, int]:
    """{category: files the county has proposed}."""
    rows = db.session.execute(
        select(CaseFile.category, func.count())
        .join(CaseSelection, CaseSelection.case_file_id == CaseFile.id)
        .where(CaseSelection.kind == "proposed", CaseFile.bureau_id == bureau_id)
        .group_by(CaseFile.category)
    )
    return dict(rows.all())


def check_room(case: CaseFile) -> None:
    """Refuse proposing one more file of the case's category when the county is at its quota."""
    quota = db.session.scalar(  # locked, so two proposals at once cannot both take the last place
        select(ProposalQuota.quota).where(ProposalQuota.category == case.category).with_for_update()
    )
    if quota is None:
        return
    used = proposed_counts(case.bureau_id).get(case.category, 0)
    if used >= quota:
        raise Conflict(
            f"“{case.category_label}”类案卷每个单位最多自选 {quota} 份，"
            f"{case.bureau.short_name}已自选 {used} 份，不能再推荐 {case.case_no}。"
        )
