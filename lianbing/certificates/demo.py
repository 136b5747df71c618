"""Demo certificates, issued through the certificates' services: 结业证书 for a few of this
year's completed study plans (the demo has no approved awards or accepted nominations for
荣誉证书), by the city and by 梅江区's admin for its own people."""

from __future__ import annotations

from sqlalchemy import select

from lianbing.accounts.models import User
from lianbing.campaign.models import Campaign
from lianbing.certificates import services
from lianbing.certificates.qualifications import candidates
from lianbing.extensions import db

#: how many of the campaign's completions get a certificate in the demo
HOW_MANY = 6


def load(campaign: Campaign) -> None:
    """One completion per bureau (idempotent: issuing returns the certificate already
    issued); 梅江区's admin issues its own people's, the city the others'."""
    city, county = _user("city_admin"), _user("admin_441402")
    first: dict[int, object] = {}
    for candidate in candidates(campaign, "study"):
        first.setdefault(candidate.bureau.id, candidate)
    for candidate in list(first.values())[:HOW_MANY]:
        pick = services.Pick(candidate.source_ref, candidate.holder_key)
        own = county is not None and candidate.bureau.id == county.bureau_id
        services.issue(campaign, county if own else city, pick)


def _user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))
