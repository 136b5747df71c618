"""Next year's campaign from this one (以此为模板创建新一年活动).

The campaign core copies what it owns — stages and sub-stages, deadlines and the paperwork
settings (each date a year later), the weights and the nomination quota — then sends
``signals.campaign_copied`` so the campaign's operations and the parts copy their own
per-campaign settings (ranking rules, evaluation items, rubric versions). A campaign is the
template of at most one campaign (``uq_campaigns_template_id``); once it has one it is past, and
its settings are locked (``rankings/locks.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lianbing import signals
from lianbing.audit import services as audit
from lianbing.campaign import schedule
from lianbing.campaign.models import ActivityWeight, Campaign, Deadline, OpsSettings, Stage
from lianbing.campaign.services import CampaignError
from lianbing.dbtypes import local_to_utc, to_local
from lianbing.errors import Conflict
from lianbing.extensions import db


class AlreadyCopied(Conflict):
    """Next year's campaign was already made from this one (409)."""


def shift_date(day: date, years: int = 1) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def shift_moment(moment: datetime | None, years: int = 1) -> datetime | None:
    """A UTC moment at the same Beijing wall-clock time, on the shifted Beijing date."""
    if moment is None:
        return None
    local = to_local(moment)
    return local_to_utc(datetime.combine(shift_date(local.date(), years), local.time()))


def successor(campaign_id: int) -> Campaign | None:
    """The campaign made from this one, if any."""
    return db.session.scalar(select(Campaign).where(Campaign.template_id == campaign_id))


def previous(campaign: Campaign) -> Campaign | None:
    """The campaign this one is compared with: its template, else the latest of earlier years."""
    if campaign.template_id is not None:
        return db.session.get(Campaign, campaign.template_id)
    return db.session.scalar(
        select(Campaign)
        .where(Campaign.year < campaign.year)
        .order_by(Campaign.year.desc(), Campaign.id.desc())
        .limit(1)
    )


def suggested_name(template: Campaign) -> str:
    """The template's name with its year moved on, else the name with the new year added."""
    year = str(template.year)
    if year in template.name:
        return template.name.replace(year, str(template.year + 1))
    return f"{template.name}（{template.year + 1}年）"


@dataclass(frozen=True)
class StagePlan:
    """One stage as it is and as it will be next year."""

    name: str
    is_sub: bool
    start: date
    end: date
    new_start: date
    new_end: date


def plan(template: Campaign) -> list[StagePlan]:
    """The template's stages and their dates a year later, in calendar order."""
    return [
        StagePlan(
            s.name,
            s.parent_id is not None,
            s.start_date,
            s.end_date,
            shift_date(s.start_date),
            shift_date(s.end_date),
        )
        for s in template.stages
    ]


def refuse_if_copied(template: Campaign) -> None:
    """Refuse (409) a second next-year campaign from the same template."""
    made = successor(template.id)
    if made is not None:
        raise AlreadyCopied(
            f"已经以“{template.name}”为模板创建了新一年活动“{made.name}”，不能重复创建。"
        )


def create_next(template: Campaign, name: str, *, actor_id: int | None) -> tuple[Campaign, dict]:
    """Next year's campaign (not active yet) with everything copied; (campaign, what was copied)."""
    db.session.execute(select(Campaign.id).where(Campaign.id == template.id).with_for_update())
    refuse_if_copied(template)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise CampaignError("请填写新活动名称（不超过 100 个字）。")
    if db.session.scalar(select(Campaign.id).where(Campaign.name == name)):
        raise CampaignError(f"活动“{name}”已存在，请换一个名称。")
    campaign = Campaign(
        name=name,
        year=template.year + 1,
        start_date=shift_date(template.start_date),
        end_date=shift_date(template.end_date),
        nomination_quota=template.nomination_quota,
        template_id=template.id,
    )
    db.session.add(campaign)
    try:
        db.session.flush()
    except IntegrityError:  # another request made it first (uq_campaigns_template_id or name)
        raise AlreadyCopied(
            "新一年活动刚刚已由他人创建，或名称已被占用，请刷新页面查看。"
        ) from None
    copied = {"阶段": _copy_stages(template, campaign), **_copy_core(template, campaign)}
    for _receiver, result in signals.campaign_copied.send(
        "campaign", template_id=template.id, campaign_id=campaign.id, actor_id=actor_id
    ):
        copied.update(result or {})
    audit.write(
        "campaign.next_year",
        "campaign",
        campaign.id,
        actor_id=actor_id,
        old={"template": template.id, "name": template.name},
        new={"name": name, "year": campaign.year, "copied": copied},
    )
    return campaign, copied


def _copy_stages(template: Campaign, campaign: Campaign) -> int:
    """Stages and sub-stages a year later, parents before children."""
    new_ids: dict[int, int] = {}
    for old in sorted(template.stages, key=lambda s: (s.parent_id is not None, s.id)):
        row = Stage(
            campaign_id=campaign.id,
            parent_id=new_ids.get(old.parent_id) if old.parent_id else None,
            name=old.name,
            start_date=shift_date(old.start_date),
            end_date=shift_date(old.end_date),
            position=old.position,
        )
        db.session.add(row)
        db.session.flush()
        new_ids[old.id] = row.id
    return len(new_ids)


def _copy_core(template: Campaign, campaign: Campaign) -> dict[str, int]:
    """Weights, stored deadlines and the paperwork settings, each date a year later."""
    for w in template.weights:
        db.session.add(ActivityWeight(campaign_id=campaign.id, kind=w.kind, weight=w.weight))
    deadlines = schedule.stored_deadlines(template)
    for d in deadlines:
        db.session.add(
            Deadline(
                campaign_id=campaign.id, name=d.name, due_date=shift_date(d.due_date), kind=d.kind
            )
        )
    ops = db.session.scalar(select(OpsSettings).where(OpsSettings.campaign_id == template.id))
    if ops is not None:
        db.session.add(_shifted_ops(ops, campaign.id))
    db.session.flush()
    return {
        "计分权重": len(template.weights),
        "截止事项": len(deadlines),
        "简报与总结设置": 1 if ops is not None else 0,
        "推荐名额": campaign.nomination_quota,
    }


def _shifted_ops(ops: OpsSettings, campaign_id: int) -> OpsSettings:
    return OpsSettings(
        campaign_id=campaign_id,
        bulletin_due_day=ops.bulletin_due_day,
        accept_late=ops.accept_late,
        bulletin_from=shift_date(ops.bulletin_from),
        bulletin_to=shift_date(ops.bulletin_to),
        summary_due=shift_date(ops.summary_due),
    )
