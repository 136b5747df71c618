"""The rubric versions a campaign grades with, and their copy into next year's campaign.

Rubrics are versioned by family and outlive a campaign; a campaign records which version of
each family it uses. When the city makes next year's campaign from this one (the host's
``signals.campaign_copied``), the new campaign takes the current (latest) version of each
family this one used — of every family when this one recorded none.
"""

from __future__ import annotations

from sqlalchemy import func, select

from casestudies.rubrics.models import CampaignRubric, Rubric
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
        db.session.add(
            CampaignRubric(campaign_id=campaign_id, family=rubric.family, rubric_id=rubric.id)
        )
    db.session.flush()
    return {"评分量表版本": len(chosen)}
