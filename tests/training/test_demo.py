"""The demo loader: idempotent, cites only library articles, one past lecture with attendance."""

from sqlalchemy import func, select

from lianbing.extensions import db
from lianbing.host import utcnow
from lianbing.parts import registry
from training.laws import services as laws
from training.lectures.models import Attendance, Lecture
from training.modules import demo
from training.modules import services as modules
from training.modules.models import Module


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_loads_twice_without_duplicates(app, demo_people, campaign):
    for _ in range(2):
        registry().parts["training"].demo(campaign.id)
        db.session.commit()
    assert count(Module) == len(demo.MODULES) >= 4
    assert count(Lecture) == 2 and count(Attendance) == 12
    assert all(m.questions and m.is_published for m in modules.all_modules())
    cited = {
        k
        for m in modules.all_modules()
        for lesson in m.lessons
        for k in laws.cited_keys(lesson.body)
    }
    assert {"EPL2014:24", "EPL2014:25", "EPL2014:59", "EPL2014:63"} <= cited
    assert set(laws.articles_by_keys(cited)) == cited
    past = db.session.scalar(select(Lecture).order_by(Lecture.starts_at))
    assert len(past.attendances) == 12 and past.ends_at < utcnow()


def test_flask_demo_command_loads_the_modules(flask_demo):
    """`flask demo` (run by the fixture, which checks its exit code) loads the part's modules;
    that it runs twice over is tests/lianbing/test_cli.py's."""
    assert count(Module) == len(demo.MODULES)
