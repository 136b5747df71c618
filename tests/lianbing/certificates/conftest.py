"""Certificate fixtures: the demo people in the active campaign, and results that earn
certificates (an approved award, accepted nominations, recommendations, a completed plan)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lianbing.accounts.models import Bureau, User
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.files.services import store_bytes
from lianbing.rankings.models import Award, Nomination, Recommendation
from training.modules.models import Module, ModuleCompletion
from training.plans.models import StudyPlan


@pytest.fixture
def named(people):
    """named(username) -> User."""
    return lambda username: people[username]


def _nominate(campaign, officer: User, city: User, status: str = "accepted") -> Nomination:
    row = Nomination(
        campaign_id=campaign.id,
        bureau_id=officer.bureau_id,
        user_id=officer.id,
        justification="表现突出",
        status=status,
        nominated_by=city.id,
        submitted_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def commended(campaign, people):
    """An approved award (officer_441402_1), accepted nominations of officer_441402_2 and
    officer_441403_1 (both recommended) and a submitted one of officer_441402_3, and the
    collective 梅县区 recommended."""
    city = people["city_admin"]
    evidence = store_bytes("e.pdf", b"%PDF-1.4", owner_kind="award", user_id=city.id)
    award = Award(
        campaign_id=campaign.id,
        user_id=people["officer_441402_1"].id,
        bureau_id=people["officer_441402_1"].bureau_id,
        category="现场检查",
        title="夜查偷排",
        points=5,
        max_points=10,
        reason="查实偷排",
        evidence_id=evidence.id,
        status="approved",
        created_by=city.id,
    )
    db.session.add(award)
    accepted = [
        _nominate(campaign, people[u], city) for u in ("officer_441402_2", "officer_441403_1")
    ]
    pending = _nominate(campaign, people["officer_441402_3"], city, "submitted")
    county = db.session.scalar(select(Bureau).where(Bureau.code == "441403"))
    recs = [
        Recommendation(
            campaign_id=campaign.id, category=cat, nomination_id=n.id, selected_by=city.id
        )
        for cat, n in zip(("city_individual", "county_individual"), accepted)
    ]
    recs.append(
        Recommendation(
            campaign_id=campaign.id,
            category="county_collective",
            bureau_id=county.id,
            selected_by=city.id,
            statement="成绩突出",
        )
    )
    db.session.add_all(recs)
    db.session.commit()
    return {"award": award, "nominations": accepted, "pending": pending, "recs": recs}


@pytest.fixture
def completed(campaign, people):
    """completed(username, done=True) -> the study plan (due in the campaign) of a module the
    officer has completed (or not)."""

    def make(username: str, done: bool = True) -> StudyPlan:
        user = people[username]
        module = Module(title="环境执法基础", is_published=True)
        db.session.add(module)
        db.session.flush()
        plan = StudyPlan(module_id=module.id, role="officer", due_on=campaign.end_date)
        db.session.add(plan)
        if done:
            at = utcnow() - timedelta(days=2)
            db.session.add(ModuleCompletion(user_id=user.id, module_id=module.id, completed_at=at))
        db.session.commit()
        return plan

    return make
