"""Closing a campaign ("结束活动"): the ledger freezes and the final ranking is kept.

After closing, ``record()`` refuses results (audited); the city corrects a score through
:func:`correct`, naming the reason; nominations and recommendations read their numbers from
the final snapshot, so what the forms print cannot move. Reopening is the city's, audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from lianbing.accounts import services as accounts
from lianbing.accounts.models import User
from lianbing.audit import services as audit
from lianbing.auth import CITY_ADMIN
from lianbing.campaign import schedule
from lianbing.campaign import services as campaigns
from lianbing.campaign.models import Campaign
from lianbing.dbtypes import utcnow
from lianbing.documents import score
from lianbing.errors import Conflict, Forbidden, Invalid
from lianbing.extensions import db
from lianbing.ledger import services as ledger
from lianbing.ledger import versions
from lianbing.ledger.models import LedgerClosure
from lianbing.logconfig import event
from lianbing.rankings.ranking import Row, ranking_for, ranking_of


def closure(campaign_id: int) -> LedgerClosure | None:
    return db.session.get(LedgerClosure, campaign_id)


def row_snapshot(row: Row, version: int) -> dict:
    """One officer's numbers as they are shown: rounded once, here, for pages and exports."""
    return {
        "composite": score(row.composite),
        "city_rank": row.city_rank,
        "bureau_rank": row.bureau_rank,
        "shares": {k: score(100 * row.share(k), 1) for k in row.available},
        "eligible": row.eligible,
        "reasons": list(row.reasons),
        "ledger_version": version,
        "entries": row.entries,
    }


def snapshot_of(campaign: Campaign, user_id: int) -> dict | None:
    """The officer's numbers: from the final snapshot once closed, else the live ranking."""
    closed = closure(campaign.id)
    if closed is not None:
        return closed.snapshot.get(str(user_id))
    user = db.session.get(User, user_id)
    ranking = ranking_of(campaign, user.bureau if user else None)
    row = ranking.row_of(user_id)
    return row_snapshot(row, ranking.version) if row else None


def final_snapshot(campaign: Campaign) -> tuple[int, dict]:
    """(ledger version, {user id: numbers}) of everyone ranked, each officer's numbers taken from
    the ranking of their own scope, as their pages show them (one ranking in a city deployment;
    each city's or province's ranking on a larger one, never the whole country's at once)."""
    scopes, version, snapshot = accounts.ranking_scopes(), versions.current(campaign.id), {}
    for scope in sorted(set(scopes.values()), key=str):
        ranking = ranking_for(campaign, scope=scope)
        version = ranking.version
        for r in ranking.rows:
            if scopes.get(r.bureau_id) == scope:
                snapshot[str(r.user_id)] = row_snapshot(r, version)
    return version, snapshot


def _require_city(actor: User) -> None:
    if actor.role != CITY_ADMIN:
        raise Forbidden("只有市局管理员可以结束或重新开启练兵活动。")


def can_close(campaign: Campaign) -> bool:
    """Allowed once the last stage of the calendar has begun."""
    stages = campaigns.top_stages(campaign)
    return bool(stages) and schedule.today_local() >= stages[-1].start_date


def close(campaign: Campaign, actor: User) -> LedgerClosure:
    """Freeze the ledger and keep the final ranking."""
    _require_city(actor)
    if closure(campaign.id) is not None:
        raise Conflict("本次练兵活动已经结束。")
    if not can_close(campaign):
        last = campaigns.top_stages(campaign)[-1:] or None
        when = f"（{last[0].name}阶段自 {last[0].start_date} 开始）" if last else ""
        raise Conflict(f"最后一个阶段开始后才能结束活动{when}。")
    version, snapshot = final_snapshot(campaign)
    row = LedgerClosure(
        campaign_id=campaign.id, closed_by=actor.id, version=version, snapshot=snapshot
    )
    db.session.add(row)
    db.session.flush()
    audit.write(
        "campaign.close", "campaign", campaign.id, actor_id=actor.id, new={"version": row.version}
    )
    event("rankings", "campaign %s closed", campaign.id, campaign_id=campaign.id)
    return row


def reopen(campaign: Campaign, actor: User, reason: str) -> None:
    """The city reopens a closed campaign, naming the reason; the snapshot is dropped."""
    _require_city(actor)
    if not (reason or "").strip():
        raise Invalid("重新开启活动须填写原因。")
    row = closure(campaign.id)
    if row is None:
        raise Conflict("本次练兵活动尚未结束。")
    db.session.delete(row)
    db.session.flush()
    versions.bump(campaign.id)
    audit.write(
        "campaign.reopen",
        "campaign",
        campaign.id,
        actor_id=actor.id,
        old={"version": row.version},
        reason=reason.strip(),
    )
    event("rankings", "campaign %s reopened", campaign.id, campaign_id=campaign.id)


@dataclass(frozen=True)
class Correction:
    user_id: int
    kind: str
    ref: str
    points: float
    max_points: float
    reason: str
    title: str = ""


def correct(campaign: Campaign, data: Correction, actor: User) -> None:
    """A city correction of one result after closing; the final snapshot is taken again."""
    _require_city(actor)
    row = closure(campaign.id)
    if row is None:
        raise Conflict("活动未结束，无需更正；成绩照常记入。")
    if not data.reason.strip():
        raise Invalid("成绩更正须填写原因。")
    ledger.record(
        data.user_id,
        campaign.id,
        data.kind,
        data.ref,
        data.points,
        data.max_points,
        utcnow(),
        {"correction": True},
        title=data.title,
        actor_id=actor.id,
        reason=data.reason.strip(),
        correction=True,
    )
    row.version, row.snapshot = final_snapshot(campaign)
    db.session.flush()
