"""Rankings tests: nominations stay open unless a test closes them.

Without a deadline of its own the campaign's nomination deadline is its calendar's (the
summary due date, 10/8 of the campaign's year), which may be past today; the tests set one a
month ahead.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from lianbing.dbtypes import utcnow
from lianbing.rankings import rules
from tests import snapshots


@pytest.fixture(autouse=True)
def nominations_open(request):
    if "campaign" not in request.fixturenames:
        return
    campaign = request.getfixturevalue("campaign")

    def build():
        settings = rules.settings_for(campaign.id, create=True)
        settings.nomination_deadline = utcnow() + timedelta(days=30)

    snapshots.load("nominations_open", build)
