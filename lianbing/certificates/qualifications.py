"""Who qualifies for which certificate: the host's own results (approved awards, accepted
nominations, the city's recommendations) and the completions the parts vouch for.

A ``Candidate`` is one certificate that may be issued; its (source_ref, holder_key) pair is
the certificate's identity within a campaign. Nothing else earns a certificate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from sqlalchemy import select

from lianbing.accounts.models import Bureau, User
from lianbing.campaign.models import Campaign
from lianbing.extensions import db
from lianbing.parts import CampaignDates, Qualification, registry
from lianbing.rankings.models import Award, Nomination, Recommendation
from lianbing.rankings.rules import PROVINCE_CATEGORIES

HOST_SOURCES = ("award", "nomination", "recommendation")


@dataclass(frozen=True)
class Candidate:
    """A certificate someone qualifies for."""

    source_type: str
    source_ref: str
    kind: str
    holder_key: str
    holder_user_id: int | None
    holder_bureau_id: int | None
    #: the holder's bureau (the collective itself)
    bureau: Bureau
    holder_name: str
    title: str


def _person(source: str, ref: str, user: User, title: str) -> Candidate:
    kind = "completion" if source == "study" else "honor"
    return Candidate(
        source, ref, kind, f"u:{user.id}", user.id, None, user.bureau, user.display_name, title
    )


def _collective(ref: str, bureau: Bureau, title: str) -> Candidate:
    return Candidate(
        "recommendation",
        ref,
        "honor",
        f"b:{bureau.id}",
        None,
        bureau.id,
        bureau,
        bureau.name,
        title,
    )


def _awards(campaign: Campaign) -> Iterable[Candidate]:
    stmt = select(Award).where(Award.campaign_id == campaign.id, Award.status == "approved")
    for award in db.session.scalars(stmt.order_by(Award.id)):
        title = f"实战练兵嘉奖（{award.category}：{award.title}）"
        yield _person("award", f"award:{award.id}", award.user, title)


def _nominations(campaign: Campaign) -> Iterable[Candidate]:
    stmt = select(Nomination).where(
        Nomination.campaign_id == campaign.id, Nomination.status == "accepted"
    )
    for nomination in db.session.scalars(stmt.order_by(Nomination.id)):
        yield _person(
            "nomination", f"nomination:{nomination.id}", nomination.user, "先进个人候选人"
        )


def _recommendations(campaign: Campaign) -> Iterable[Candidate]:
    stmt = select(Recommendation).where(Recommendation.campaign_id == campaign.id)
    for rec in db.session.scalars(stmt.order_by(Recommendation.category, Recommendation.id)):
        label = PROVINCE_CATEGORIES.get(rec.category, rec.category)
        ref = f"recommendation:{rec.id}"
        if rec.bureau is not None:
            yield _collective(ref, rec.bureau, f"{label}（推荐省级表扬）")
        elif rec.nomination is not None:
            yield _person("recommendation", ref, rec.nomination.user, f"{label}（推荐省级表扬）")


def _study(campaign: Campaign, user_ids: Sequence[int] | None) -> Iterable[Candidate]:
    """The parts' qualifications, each turned into a candidate with its holder."""
    dates = CampaignDates(campaign.id, campaign.start_date, campaign.end_date)
    found: list[Qualification] = []
    for part in registry().parts.values():
        if part.certificate_qualifications:
            found += part.certificate_qualifications(dates, user_ids)
    ids = sorted({q.user_id for q in found})
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    for q in found:
        if q.user_id in users:
            yield _person("study", q.ref, users[q.user_id], q.title)


def candidates(
    campaign: Campaign,
    source: str,
    *,
    bureau_id: int | None = None,
    user_ids: Sequence[int] | None = None,
) -> list[Candidate]:
    """The certificates of one source that may be issued, optionally for one bureau or people."""
    if source == "study":
        if bureau_id is not None and user_ids is None:
            user_ids = _bureau_people(bureau_id)
        rows = list(_study(campaign, user_ids))
    else:
        rows = list(
            {"award": _awards, "nomination": _nominations}.get(source, _recommendations)(campaign)
        )
        if user_ids is not None:
            rows = [c for c in rows if c.holder_user_id in set(user_ids)]
    if bureau_id is not None:
        rows = [c for c in rows if c.bureau.id == bureau_id]
    return rows


def _bureau_people(bureau_id: int) -> list[int]:
    return list(db.session.scalars(select(User.id).where(User.bureau_id == bureau_id)))


def source_of(ref: str) -> str:
    """The source a reference belongs to: the host's prefixes, else a part's study result."""
    prefix = ref.split(":", 1)[0]
    return prefix if prefix in HOST_SOURCES else "study"


def find(campaign: Campaign, source_ref: str, holder_key: str) -> Candidate | None:
    """The candidate with this identity, or None when nobody qualifies for it."""
    user_ids = (
        [int(holder_key[2:])] if holder_key.startswith("u:") and holder_key[2:].isdigit() else None
    )
    for c in candidates(campaign, source_of(source_ref), user_ids=user_ids):
        if c.source_ref == source_ref and c.holder_key == holder_key:
            return c
    return None
