"""The rubric versions a campaign grades with, and their copy into next year's campaign.

Rubrics are versioned by family and outlive a campaign; a campaign records which version of
each family it uses (the first exercise of the campaign graded by a family records it). An
exercise of the campaign is always graded by that version, whichever version of the family
its author picked. When the city makes next year's campaign from this one (the host's
``signals.campaign_copied``), the new campaign takes the current (latest) version of each
family this one used — of every family when this one recorded none — and, when that version
is already another campaign's or graded against, a new version copied from it: next year's
edits never touch a version an earlier campaign's results were graded by.
"""

from __future__ import annotations

from sqlalchemy import func, select

from casestudies.exercises.models import Exercise
from casestudies.rubrics.models import CampaignRubric, Rubric
from casestudies.rubrics.services import copy_rubric
from lianbing.host import db


def in_use(campaign_id: int) -> list[Rubric]:
    """The rubric versions recorded for a campaign, by family."""
    return list(
        db.session.scalars(
            select(Rubric)
            .join(CampaignRubric, CampaignRubric.rubric_id == Rubric.id)
            .where(CampaignRubric.campaign_id == campaign_id)
            .order_by(Rubric.family)
        )
    )


def recorded(campaign_id: int, family: str) -> Rubric | None:
    """The version of a family the campaign records, if any."""
    return db.session.scalar(
        select(Rubric)
        .join(CampaignRubric, CampaignRubric.rubric_id == Rubric.id)
        .where(CampaignRubric.campaign_id == campaign_id, CampaignRubric.family == family)
    )


def version_for(campaign_id: int | None, rubric: Rubric) -> Rubric:
    """The version of ``rubric``'s family a campaign's exercise is graded by: the one the
    campaign records, else ``rubric`` itself (also for an exercise of no campaign)."""
    if campaign_id is None:
        return rubric
    return recorded(campaign_id, rubric.family) or rubric


def record_use(campaign_id: int | None, rubric: Rubric) -> None:
    """Record ``rubric`` as the campaign's version of its family, unless one is recorded."""
    if campaign_id is None or recorded(campaign_id, rubric.family) is not None:
        return
    db.session.add(
        CampaignRubric(campaign_id=campaign_id, family=rubric.family, rubric_id=rubric.id)
    )
    db.session.flush()


def offered(campaign_id: int | None, every: list[Rubric]) -> list[Rubric]:
    """The rubrics an exercise of the campaign may pick: of a family the campaign records,
    only its version; of the other families, every version."""
    if campaign_id is None:
        return every
    mine = {r.family: r.id for r in in_use(campaign_id)}
    return [r for r in every if mine.get(r.family, r.id) == r.id]


def current_versions(families: set[str] | None = None) -> list[Rubric]:
    """The latest version of each family (of the given families only, when given)."""
    latest = select(Rubric.family, func.max(Rubric.version).label("v")).group_by(Rubric.family)
    if families is not None:
        latest = latest.where(Rubric.family.in_(families))
    latest = latest.subquery()
    return list(
        db.session.scalars(
            select(Rubric)
            .join(latest, (latest.c.family == Rubric.family) & (latest.c.v == Rubric.version))
            .order_by(Rubric.family)
        )
    )


def copy_campaign_rubrics(
    sender, *, template_id: int, campaign_id: int, actor_id
) -> dict[str, int]:
    """Receiver of ``signals.campaign_copied``: next year's campaign uses the current versions."""
    used = {r.family for r in in_use(template_id)} or None
    chosen = current_versions(used)
    for rubric in chosen:
        if _taken(rubric):
            rubric = copy_rubric(rubric, actor_id=actor_id, as_version=True)
        db.session.add(
            CampaignRubric(campaign_id=campaign_id, family=rubric.family, rubric_id=rubric.id)
        )
    db.session.flush()
    return {"评分量表版本": len(chosen)}


def _taken(rubric: Rubric) -> bool:
    """Whether a version already belongs to a campaign, an exercise or a graded record."""
    if rubric.is_locked:
        return True
    campaign = select(CampaignRubric.id).where(CampaignRubric.rubric_id == rubric.id)
    exercise = select(Exercise.id).where(Exercise.rubric_id == rubric.id)
    return db.session.scalar(select(campaign.exists() | exercise.exists()))
