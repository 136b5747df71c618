"""Fixtures of the casestudies tests: the demo world, exercises and drafts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from casestudies import demo
from casestudies.exercises import services as exercises
from casestudies.exercises.models import Exercise
from casestudies.rubrics import demo as rubrics_demo
from casestudies.rubrics import services as rubrics
from lianbing.accounts.models import User
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from tests import snapshots


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


@pytest.fixture
def find_user():
    """find_user(username) -> User."""
    return user


@pytest.fixture
def world(demo_people, campaign):
    """Demo people, the active campaign and the part's demo content."""
    snapshots.load("casestudies_world", lambda: demo.load(campaign.id))
    return campaign


@pytest.fixture
def make_exercise(demo_people, campaign):
    """Factory: an inspection (or inquiry) exercise with a fresh copy of the demo rubric."""

    def make(kind: str = "inspection", **kw) -> Exercise:
        spec = rubrics_demo.INSPECTION if kind == "inspection" else rubrics_demo.INQUIRY
        trainer = user("trainer")
        rubric = rubrics.create_rubric(spec, actor_id=trainer.id, complete=True)
        data = (
            dict(
                title=f"练习 {kind}",
                record_type=kind,
                scenario="情景",
                people="",
                known_facts="",
                due_at=utcnow() + timedelta(days=3),
                rubric_id=rubric.id,
                is_published=True,
            )
            | kw
        )
        ex = exercises.save_exercise(None, exercises.ExerciseData(**data), actor_id=trainer.id)
        db.session.commit()
        return ex

    return make
