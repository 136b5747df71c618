"""Campaigns: the calendar, the active campaign and activity weights."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select, update

from lianbing import signals
from lianbing.audit import services as audit
from lianbing.campaign.models import ActivityWeight, Campaign, Stage
from lianbing.errors import Invalid
from lianbing.extensions import db
from lianbing.parts import registry


class CampaignError(Invalid):
    """A campaign change that cannot be made (400); the message is for people."""


@dataclass(frozen=True)
class StageData:
    name: str
    start: date
    end: date
    children: tuple["StageData", ...] = ()


#: the first day of the 2017 plan; its stages are placed relative to it
PLAN_START = date(2017, 6, 1)
#: the 2017 plan: (name, first day, last day, sub-stages), days counted from PLAN_START
PLAN = (
    ("动员部署", 0, 13, ()),
    ("活动实施", 14, 121, (("自查", 14, 44), ("交叉检查", 45, 75), ("后督察", 76, 121))),
    ("总结表扬", 122, 152, ()),
)
#: the plan's length in days (2017-06-01 to 2017-10-31)
PLAN_DAYS = 153


def default_stages(year: int) -> list[StageData]:
    """The stages of the 2017 plan, moved to the given year (June 1st to October 31st)."""
    return plan_stages(date(year, 6, 1))


def plan_stages(start: date) -> list[StageData]:
    """The stages of the 2017 plan, the same lengths, starting on ``start``."""

    def stage(name: str, first: int, last: int, children=()) -> StageData:
        subs = tuple(stage(*child) for child in children)
        return StageData(name, start + timedelta(first), start + timedelta(last), subs)

    return [stage(*row) for row in PLAN]


def active_campaign() -> Campaign | None:
    return db.session.scalar(select(Campaign).where(Campaign.is_active.is_(True)))


def all_campaigns() -> list[Campaign]:
    return list(
        db.session.scalars(select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc()))
    )


def create_campaign(
    name: str,
    year: int,
    start: date,
    end: date,
    *,
    stages: list[StageData] | None = None,
    activate: bool = False,
    actor_id: int | None = None,
) -> Campaign:
    """Create a campaign with its stages (the 2017 plan by default)."""
    if end < start:
        raise CampaignError("结束日期不能早于开始日期。")
    if db.session.scalar(select(Campaign.id).where(Campaign.name == name)):
        raise CampaignError(f"活动“{name}”已存在。")
    campaign = Campaign(name=name, year=year, start_date=start, end_date=end)
    db.session.add(campaign)
    db.session.flush()
    for pos, stage in enumerate(stages if stages is not None else default_stages(year)):
        _add_stage(campaign.id, stage, pos, None)
    audit.write("campaign.create", "campaign", campaign.id, actor_id=actor_id, new={"name": name})
    if activate:
        activate_campaign(campaign, actor_id=actor_id)
    return campaign


def _add_stage(campaign_id: int, data: StageData, position: int, parent_id: int | None) -> None:
    stage = Stage(
        campaign_id=campaign_id,
        name=data.name,
        start_date=data.start,
        end_date=data.end,
        position=position,
        parent_id=parent_id,
    )
    db.session.add(stage)
    db.session.flush()
    for pos, child in enumerate(data.children):
        _add_stage(campaign_id, child, pos, stage.id)


def activate_campaign(campaign: Campaign, *, actor_id: int | None = None) -> None:
    """Make this the one active campaign."""
    db.session.execute(update(Campaign).where(Campaign.id != campaign.id).values(is_active=False))
    db.session.flush()
    campaign.is_active = True
    db.session.flush()
    audit.write("campaign.activate", "campaign", campaign.id, actor_id=actor_id)


def _check_campaign_change(campaign: Campaign, start: date, end: date, quota: int) -> None:
    """Refuse dates in the wrong order, a quota out of range or stages outside the new dates."""
    if end < start:
        raise CampaignError("结束日期不能早于开始日期。")
    if quota < 0 or quota > 50:
        raise CampaignError("推荐名额须在 0 到 50 之间。")
    outside = [
        s.name
        for s in campaign.stages
        if s.parent_id is None and (s.start_date < start or s.end_date > end)
    ]
    if outside:
        raise CampaignError(f"阶段“{'、'.join(outside)}”超出新的活动期间，请先调整阶段日期。")


def update_campaign(
    campaign: Campaign,
    *,
    name: str,
    start: date,
    end: date,
    quota: int,
    actor_id: int | None = None,
) -> None:
    new = {"name": name, "start": str(start), "end": str(end), "quota": quota}
    signals.settings_changing.send(
        "campaign", campaign_id=campaign.id, what="campaign", new=new, actor_id=actor_id
    )
    _check_campaign_change(campaign, start, end, quota)
    old = {
        "name": campaign.name,
        "start": str(campaign.start_date),
        "end": str(campaign.end_date),
        "quota": campaign.nomination_quota,
    }
    campaign.name, campaign.start_date, campaign.end_date = name, start, end
    campaign.nomination_quota = quota
    db.session.flush()
    audit.write(
        "campaign.update",
        "campaign",
        campaign.id,
        actor_id=actor_id,
        old=old,
        new=new,
    )


class WeightsRefused(CampaignError):
    """Weights that would score everyone 0 (400); the refusal is kept in the audit log."""

    keep = True


def weights(campaign: Campaign) -> dict[str, float]:
    """The weight of every registered activity kind: the campaign's, else the default."""
    stored = {w.kind: w.weight for w in campaign.weights}
    return {key: stored.get(key, kind.default_weight) for key, kind in registry().kinds.items()}


def set_weights(campaign: Campaign, new: dict[str, float], *, actor_id: int | None = None) -> None:
    """Store the weights of registered kinds; refuses unknown kinds and negatives, and any
    change once the campaign is closed."""
    signals.settings_changing.send(
        "campaign", campaign_id=campaign.id, what="weights", new=new, actor_id=actor_id
    )
    kinds = registry().kinds
    for key, value in new.items():
        if key not in kinds:
            raise CampaignError(f"未知的活动类型：{key}")
        if value is None or value < 0 or value > 1000:
            raise CampaignError(f"“{kinds[key].label}”的权重须在 0 到 1000 之间。")
    if not any(v > 0 for v in {**weights(campaign), **new}.values()):
        audit.write("campaign.weights_refused", "campaign", campaign.id, actor_id=actor_id, new=new)
        raise WeightsRefused("至少一种活动类型的权重须大于 0，否则综合得分全部为 0。")
    old = weights(campaign)
    stored = {w.kind: w for w in campaign.weights}
    for key, value in new.items():
        if key in stored:
            stored[key].weight = float(value)
        else:
            campaign.weights.append(ActivityWeight(kind=key, weight=float(value)))
    db.session.flush()
    audit.write(
        "campaign.weights",
        "campaign",
        campaign.id,
        actor_id=actor_id,
        old=old,
        new=weights(campaign),
    )


def set_stage_dates(
    campaign: Campaign, dates: dict[int, tuple[date, date]], *, actor_id: int | None = None
) -> None:
    """Move stages: each inside the campaign, sub-stages inside their parent; all or nothing."""
    signals.settings_changing.send(
        "campaign",
        campaign_id=campaign.id,
        what="stages",
        new={str(k): [str(a), str(b)] for k, (a, b) in dates.items()},
        actor_id=actor_id,
    )
    stages = {s.id: s for s in campaign.stages}
    unknown = set(dates) - set(stages)
    if unknown:
        raise CampaignError(f"阶段不属于此活动：{sorted(unknown)}")
    proposed = {sid: dates.get(sid, (s.start_date, s.end_date)) for sid, s in stages.items()}
    reasons = [r for s in stages.values() for r in _stage_problems(campaign, s, proposed)]
    if reasons:
        raise CampaignError("；".join(reasons))
    old = _stage_snapshot(campaign)
    for sid, (start, end) in proposed.items():
        stages[sid].start_date, stages[sid].end_date = start, end
    db.session.flush()
    audit.write(
        "campaign.stages",
        "campaign",
        campaign.id,
        actor_id=actor_id,
        old=old,
        new=_stage_snapshot(campaign),
    )


def _stage_problems(
    campaign: Campaign, stage: Stage, proposed: dict[int, tuple[date, date]]
) -> list[str]:
    """Why the proposed dates of one stage cannot stand (empty when they can)."""
    start, end = proposed[stage.id]
    outer_start, outer_end = (
        proposed[stage.parent_id] if stage.parent_id else (campaign.start_date, campaign.end_date)
    )
    where = "所属阶段" if stage.parent_id else "活动"
    if end < start:
        return [f"“{stage.name}”的结束日期早于开始日期"]
    if start < outer_start or end > outer_end:
        return [f"“{stage.name}”须在{where}的起止日期（{outer_start} 至 {outer_end}）之内"]
    return []


def _stage_snapshot(campaign: Campaign) -> dict[str, list[str]]:
    return {s.name: [str(s.start_date), str(s.end_date)] for s in campaign.stages}


def top_stages(campaign: Campaign) -> list[Stage]:
    return [s for s in campaign.stages if s.parent_id is None]


def substages(campaign: Campaign, stage: Stage) -> list[Stage]:
    return sorted((s for s in campaign.stages if s.parent_id == stage.id), key=lambda s: s.position)


def current_stage(campaign: Campaign, today: date) -> Stage | None:
    """The innermost stage containing today."""
    matches = [s for s in campaign.stages if s.start_date <= today <= s.end_date]
    return max(matches, key=lambda s: s.parent_id is not None, default=None)
