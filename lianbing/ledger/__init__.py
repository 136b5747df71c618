"""The score ledger: the one place scores live and the only scoring module a part may use.

``services.record()`` writes a row (parts call it as ``lianbing.host.record_score``), ``totals``
keeps the per-kind sums rankings read, ``versions`` the counter that keys cached rankings, and
``expected`` the activities officers were assigned. The ledger knows nothing of rankings.
"""

from __future__ import annotations

from lianbing import signals
from lianbing.ledger import versions


def register_receivers() -> None:
    """Subscribe the ledger to the host signals it reacts to (called once by create_app)."""
    signals.roster_changed.connect(versions.on_roster_changed)
