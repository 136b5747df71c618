"""Fixtures of the training part: a small library, module and lecture factories, logging in."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from lianbing.accounts.models import Bureau
from lianbing.extensions import db
from training.laws import services as laws
from training.lectures import services as lectures
from training.modules import services as modules

# ten days ago, inside the campaign fixture
T0 = (datetime.now(timezone.utc) - timedelta(days=10)).replace(
    hour=1, minute=0, second=0, microsecond=0
)


@pytest.fixture
def login(auth, make_user):
    """Factory: login(role="officer", bureau="441402") -> a new user of that role, logged in."""

    def log_in(role="officer", bureau="441402"):
        user = make_user(role, bureau)
        auth.login(user.username)
        return user

    return log_in


@pytest.fixture
def library(app):
    """One law with three articles: EPL2014:24, 25 and 59."""
    law = laws.import_law(
        laws.LawData("EPL2014", "中华人民共和国环境保护法", "全国人大常委会"),
        [
            (24, "负有监管职责的部门可以对排污单位进行现场检查。"),
            (25, "违法排污造成或者可能造成严重污染的，可以查封、扣押排污设施、设备。"),
            (59, "拒不改正的，可以按照原处罚数额按日连续处罚。"),
        ],
    )
    db.session.commit()
    return law


@pytest.fixture
def make_module(app, library):
    """Factory: make_module(questions=True, published=True, roles=("officer",)) -> Module.

    Two required lessons citing the library; a check of a single-choice question (answer A)
    and a true/false question (answer 正确), pass mark 60.
    """

    def make(questions=True, published=True, roles=("officer",), title="现场检查与查封扣押"):
        module = modules.save_module(
            modules.ModuleData(title, "要点", "EPL2014", tuple(roles), True, published, 0, 60)
        )
        modules.save_lesson(module, modules.LessonData("现场检查", "[[EPL2014:24]]", 5, True, 0))
        modules.save_lesson(module, modules.LessonData("查封扣押", "[[EPL2014:25]]", 5, True, 1))
        if questions:
            modules.add_question(
                module, modules.QuestionData("single", "检查对象？", ("排污单位", "公民"), (0,))
            )
            modules.add_question(
                module, modules.QuestionData("truefalse", "可以按日连续处罚。", (), (0,))
            )
        db.session.commit()
        db.session.refresh(module)
        return module

    return make


@pytest.fixture
def make_lecture(app, make_user):
    """Factory: make_lecture(bureau_code="441400", start=T0, minutes=120, audience=("officer",))."""
    admin = make_user("city_admin", "441400")

    def make(bureau_code="441400", start=T0, minutes=120, audience=("officer",), title="法治讲座"):
        bureau = db.session.scalar(select(Bureau).where(Bureau.code == bureau_code))
        lecture = lectures.create_lecture(
            admin,
            lectures.LectureData(
                title,
                "lecture",
                start,
                start + timedelta(minutes=minutes),
                "会议室",
                "主讲人",
                bureau.id,
                tuple(audience),
            ),
        )
        db.session.commit()
        return lecture

    return make
