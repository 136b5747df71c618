"""The ledger version: a per-campaign counter in the database that keys every cached ranking.

``record()`` calls ``bump()`` after each ledger change (through ``totals.changed()``), and
roster changes bump every campaign (``on_roster_changed``, subscribed by the package's
``register_receivers()``), so a worker never serves a ranking computed from an older ledger:
the cache key changes the moment the change is committed.
"""

from __future__ import annotations

from sqlalchemy import select, update

from lianbing.extensions import db
from lianbing.ledger.models import LedgerVersion


def current(campaign_id: int) -> int:
    """The campaign's ledger version (0 before any change)."""
    return (
        db.session.scalar(
            select(LedgerVersion.version).where(LedgerVersion.campaign_id == campaign_id)
        )
        or 0
    )


def bump(campaign_id: int) -> None:
    """Advance the campaign's version (inside the caller's transaction)."""
    done = db.session.execute(
        update(LedgerVersion)
        .where(LedgerVersion.campaign_id == campaign_id)
        .values(version=LedgerVersion.version + 1)
    )
    if not done.rowcount:
        db.session.add(LedgerVersion(campaign_id=campaign_id, version=1))
        db.session.flush()


def bump_all() -> None:
    """Advance every campaign's version (the population of officers changed)."""
    db.session.execute(update(LedgerVersion).values(version=LedgerVersion.version + 1))


def on_roster_changed(sender, **kwargs) -> None:
    """``signals.roster_changed``: officers came or went, so every cached ranking is stale."""
    bump_all()
