"""What earns a 结业证书: a study plan's module completed within the campaign, by someone the
plan was assigned to (the host's certificates ask through ``Part.certificate_qualifications``).

A plan belongs to the campaign its due date falls in; the completion must fall within the
campaign's dates too. A module planned twice (city-wide and for a county) earns one
certificate, under the plan with the lowest id.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Iterator, Sequence

from sqlalchemy import or_, select

from lianbing.host import CampaignDates, Qualification, User, db, local_to_utc
from training.modules.models import Module, ModuleCompletion
from training.plans.models import StudyPlan


def qualifications(
    campaign: CampaignDates, user_ids: Sequence[int] | None
) -> Iterator[Qualification]:
    """Each (person, planned module) completed in the campaign, once."""
    seen: set[tuple[int, int]] = set()
    for plan_id, module_id, title, user_id, done_at in db.session.execute(
        _query(campaign, user_ids)
    ):
        if (user_id, module_id) in seen:
            continue
        seen.add((user_id, module_id))
        yield Qualification(user_id, f"plan:{plan_id}", f"完成学习任务“{title}”", done_at)


def _query(campaign: CampaignDates, user_ids: Sequence[int] | None):
    """Plans due in the campaign × completions of their module by people they apply to."""
    since = local_to_utc(datetime.combine(campaign.start_date, time()))
    until = local_to_utc(datetime.combine(campaign.end_date + timedelta(days=1), time()))
    stmt = (
        select(
            StudyPlan.id,
            StudyPlan.module_id,
            Module.title,
            ModuleCompletion.user_id,
            ModuleCompletion.completed_at,
        )
        .join(Module, Module.id == StudyPlan.module_id)
        .join(ModuleCompletion, ModuleCompletion.module_id == StudyPlan.module_id)
        .join(User, User.id == ModuleCompletion.user_id)
        .where(StudyPlan.due_on.between(campaign.start_date, campaign.end_date))
        .where(or_(StudyPlan.role.is_(None), StudyPlan.role == User.role))
        .where(or_(StudyPlan.bureau_id.is_(None), StudyPlan.bureau_id == User.bureau_id))
        .where(ModuleCompletion.completed_at >= since, ModuleCompletion.completed_at < until)
        .order_by(ModuleCompletion.user_id, StudyPlan.id)
    )
    if user_ids is not None:
        stmt = stmt.where(ModuleCompletion.user_id.in_(list(user_ids)))
    return stmt
