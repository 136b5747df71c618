"""Rankings: the composite score and rankings computed from the ledger, an officer's breakdown,
charts, awards (written to the ledger once approved), nominations, the city's recommendations to
the province, the ranking rules and the bureau (collective) measures."""

from __future__ import annotations

from lianbing import signals
from lianbing.rankings import locks, rules


def register_receivers() -> None:
    """Subscribe rankings to the host signals it reacts to (called once by create_app)."""
    signals.settings_changing.connect(locks.on_settings_changing)
    signals.campaign_copied.connect(rules.copy_rules)
