"""Per-campaign ranking rules: nomination deadline, province quotas, eligibility (a minimum share
and a minimum number of ledger rows per kind), bureau weights."""

from __future__ import annotations

from datetime import datetime, time

from lianbing import signals
from lianbing.audit import services as audit
from lianbing.campaign import nextyear, schedule
from lianbing.campaign.models import Campaign
from lianbing.dbtypes import local_to_utc, utcnow
from lianbing.errors import Invalid
from lianbing.extensions import db
from lianbing.parts import registry
from lianbing.rankings.models import RankingSettings

PROVINCE_CATEGORIES = {
    "county_collective": "县级集体",
    "city_individual": "市级先进个人",
    "county_individual": "县级先进个人",
}
DEFAULT_QUOTAS = {key: 1 for key in PROVINCE_CATEGORIES}
#: the largest minimum number of ledger rows of one kind the city may require
MAX_ENTRIES = 100


class RulesError(Invalid):
    """A rule the city tried to set that cannot hold (400); the message is for people."""


def settings_for(campaign_id: int, *, create: bool = False) -> RankingSettings:
    """The campaign's settings row; defaults (not stored unless ``create``) when there is none."""
    row = db.session.get(RankingSettings, campaign_id)
    if row is None:
        row = RankingSettings(
            campaign_id=campaign_id,
            nomination_deadline=None,
            province_quotas=dict(DEFAULT_QUOTAS),
            eligibility={},
            measure_weights={},
            is_board_named=True,
        )
        if create:
            db.session.add(row)
            db.session.flush()
    return row


def quotas(campaign_id: int) -> dict[str, int]:
    stored = settings_for(campaign_id).province_quotas or {}
    return {key: int(stored.get(key, DEFAULT_QUOTAS[key])) for key in PROVINCE_CATEGORIES}


def eligibility(campaign_id: int, row: RankingSettings | None = None) -> dict[str, float]:
    """{kind: minimum share} for kinds still registered (from ``row`` if already read)."""
    stored = (row or settings_for(campaign_id)).eligibility or {}
    return {k: float(v) for k, v in stored.items() if k in registry().kinds}


def min_entries(campaign_id: int, row: RankingSettings | None = None) -> dict[str, int]:
    """{kind: minimum number of ledger rows} for kinds still registered, e.g. a 先进个人 candidate
    needs at least one reviewed case file: {"case_file": 1} (from ``row`` if already read)."""
    stored = (row or settings_for(campaign_id)).min_entries or {}
    return {k: int(v) for k, v in stored.items() if k in registry().kinds and int(v) > 0}


def nomination_deadline(campaign_id: int) -> datetime | None:
    """The city's own deadline, else the calendar's: its 推荐评选 deadline or the summary due
    date (10/8 in the 2017 plan), at the end of that day in Beijing time."""
    stored = settings_for(campaign_id).nomination_deadline
    if stored is not None:
        return stored
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        return None
    due = [d.due_date for d in schedule.stored_deadlines(campaign) if d.kind == "nomination"]
    day = due[0] if due else schedule.settings_for(campaign).summary_due
    return local_to_utc(datetime.combine(day, time(23, 59, 59)))


def deadline_passed(campaign_id: int, now: datetime | None = None) -> bool:
    deadline = nomination_deadline(campaign_id)
    return deadline is not None and (now or utcnow()) > deadline


def update(
    campaign_id: int,
    *,
    deadline: datetime | None,
    quotas: dict[str, int],
    eligibility: dict[str, float],
    measure_weights: dict[str, float],
    actor_id: int | None,
    min_entries: dict[str, int] | None = None,
    board_named: bool | None = None,
) -> None:
    """Store the city's rules, audited; refuses out-of-range values, and any change once the
    campaign is closed. ``min_entries`` None keeps the stored minimum numbers of ledger rows."""
    asked = {
        "deadline": deadline.isoformat() if deadline else None,
        "quotas": quotas,
        "eligibility": eligibility,
        "measure_weights": measure_weights,
        "min_entries": min_entries,
        "board_named": board_named,
    }
    signals.settings_changing.send(
        "rankings", campaign_id=campaign_id, what="rules", new=asked, actor_id=actor_id
    )
    _check(quotas, eligibility, measure_weights)
    _check_entries(min_entries or {})
    row = settings_for(campaign_id, create=True)
    old = _snapshot(row)
    row.nomination_deadline = deadline
    row.province_quotas = {k: int(v) for k, v in quotas.items()}
    row.eligibility = {k: float(v) for k, v in eligibility.items() if v}
    row.measure_weights = {k: float(v) for k, v in measure_weights.items()}
    if min_entries is not None:
        row.min_entries = {k: int(v) for k, v in min_entries.items() if v}
    if board_named is not None:
        row.is_board_named = board_named
    db.session.flush()
    audit.write(
        "ranking.settings", "campaign", campaign_id, actor_id=actor_id, old=old, new=_snapshot(row)
    )


def _check(quotas: dict, eligibility: dict, weights: dict) -> None:
    if any(k not in PROVINCE_CATEGORIES or not 0 <= int(v) <= 20 for k, v in quotas.items()):
        raise RulesError("推荐名额须在 0 到 20 之间。")
    if any(k not in registry().kinds or not 0 <= float(v) <= 1 for k, v in eligibility.items()):
        raise RulesError("最低得分率须在 0 到 100% 之间。")
    if any(not 0 <= float(v) <= 1000 for v in weights.values()):
        raise RulesError("集体排名权重须在 0 到 1000 之间。")


def _check_entries(entries: dict) -> None:
    for k, v in entries.items():
        if k not in registry().kinds or not 0 <= int(v) <= MAX_ENTRIES:
            raise RulesError(f"最少记录条数须在 0 到 {MAX_ENTRIES} 之间。")


def _snapshot(row: RankingSettings) -> dict:
    return {
        "deadline": row.nomination_deadline.isoformat() if row.nomination_deadline else None,
        "quotas": row.province_quotas,
        "eligibility": row.eligibility,
        "min_entries": row.min_entries or {},
        "measure_weights": row.measure_weights,
        "board_named": row.is_board_named,
    }


def board_named(campaign_id: int) -> bool:
    """Whether officers' leaderboard shows names (the city may show only ranks and bureaus)."""
    return settings_for(campaign_id).is_board_named is not False


def copy_rules(sender, *, template_id: int, campaign_id: int, actor_id) -> dict[str, int]:
    """Receiver of ``signals.campaign_copied``: the template's rules for next year's campaign
    (the city's own nomination deadline a year later)."""
    old = db.session.get(RankingSettings, template_id)
    if old is None:
        return {"排名规则": 0}
    db.session.add(
        RankingSettings(
            campaign_id=campaign_id,
            nomination_deadline=nextyear.shift_moment(old.nomination_deadline),
            province_quotas=dict(old.province_quotas or {}),
            eligibility=dict(old.eligibility or {}),
            min_entries=dict(old.min_entries) if old.min_entries is not None else None,
            measure_weights=dict(old.measure_weights or {}),
            is_board_named=old.is_board_named,
        )
    )
    db.session.flush()
    return {"排名规则": 1}
