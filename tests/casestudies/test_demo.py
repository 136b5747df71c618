"""The part's demo content: idempotent, graded, released to the ledger."""

from sqlalchemy import select

from casestudies import demo
from casestudies.exercises import services as exercises
from casestudies.lessons import services as lessons
from lianbing.accounts.models import User
from lianbing.extensions import db
from lianbing.ledger.models import ScoreEntry


def user(username):
    return db.session.scalar(select(User).where(User.username == username))


def ledger(user_id):
    return db.session.scalars(
        select(ScoreEntry).where(
            ScoreEntry.user_id == user_id, ScoreEntry.kind == "record_exercise"
        )
    ).all()


def test_demo_is_idempotent_and_graded(world):
    demo.load(world.id)
    assert len(exercises.exercises(True)) == 2 and len(lessons.lessons(True)) == 2
    assert len(ledger(user("officer_441402_1").id)) == 2
