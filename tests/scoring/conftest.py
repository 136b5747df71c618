"""Fixtures of the scoring tests: demo people in a campaign and a ledger writer."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from lianbing.accounts.models import User
from lianbing.audit.models import AuditLog
from lianbing.extensions import cache, db
from lianbing.scoring import ranking
from lianbing.scoring.services import record

T0 = datetime(2017, 7, 1, 8, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _empty_caches(app):
    """Rankings are cached by ledger version; a fresh database restarts versions, so start clean."""
    with app.app_context():
        cache.clear()
    ranking.clear_local()
    yield


@pytest.fixture
def people(demo_people, campaign):
    """Username -> User for the demo people."""
    return {u.username: u for u in db.session.scalars(select(User))}


@pytest.fixture
def rec(campaign):
    """rec(user, kind, ref, points, max_points=100, minutes=0) writes one ledger row and commits."""
    def write(user, kind, ref, points, max_points=100.0, minutes=0):
        row = record(user.id, campaign.id, kind, ref, points, max_points, T0 + timedelta(minutes=minutes))
        db.session.commit()
        return row
    return write


@pytest.fixture
def audits():
    """audits(prefix="") -> number of audit rows whose action starts with prefix."""
    def count(action_prefix: str = "") -> int:
        stmt = select(func.count()).select_from(AuditLog)
        if action_prefix:
            stmt = stmt.where(AuditLog.action.startswith(action_prefix))
        return db.session.scalar(stmt)
    return count
