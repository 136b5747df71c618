"""Fixtures of the quiz-taking tests: a small bank, a quiz factory, officers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lianbing.accounts.models import User
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from quizzes import services as bank_services
from quizzes.models import Category
from quizzes.play import services
from quizzes.services import QuestionData

OPTIONS = [
    {"text": "正确项", "weight": 1.0},
    {"text": "错误项一", "weight": 0},
    {"text": "错误项二", "weight": 0},
]
MULTI = [
    {"text": "甲", "weight": 0.5},
    {"text": "乙", "weight": 0.5},
    {"text": "丙", "weight": 0},
    {"text": "丁", "weight": 0},
]


def _questions():
    return _single_questions() + _truefalse_questions() + _other_questions()


def _single_questions():
    return [
        QuestionData(
            qtype="single",
            stem=f"单选题 {i}",
            content={"options": OPTIONS},
            code=f"S{i:02d}",
            category="法律/大气",
            difficulty=1 + i % 5,
        )
        for i in range(12)
    ]


def _truefalse_questions():
    return [
        QuestionData(
            qtype="truefalse",
            stem=f"判断题 {i}",
            content={"answer": i % 2 == 0},
            code=f"T{i:02d}",
            category="法律/水",
            difficulty=3,
        )
        for i in range(6)
    ]


def _other_questions():
    """One multiple-choice, one fill-in and one essay question."""
    return [
        QuestionData(
            qtype="multiple", stem="多选题", content={"options": MULTI}, code="M01", category="法律"
        ),
        QuestionData(
            qtype="fill",
            stem="填空 {{1}}",
            content={"blanks": [{"answers": ["十日"]}]},
            code="F01",
            category="法律",
        ),
        QuestionData(
            qtype="essay",
            stem="简述现场检查笔录的要点",
            content={"reference": "要点"},
            code="E01",
            category="法律",
        ),
    ]


@pytest.fixture
def qbank(app, demo_people, campaign):
    """A bank with 12 single, 6 true/false, a multiple, a fill and an essay question."""
    bank = bank_services.create_bank("练习题库")
    for data in _questions():
        bank_services.create_question(bank, data)
    db.session.commit()
    return bank


@pytest.fixture
def category(qbank):
    def get(path: str) -> Category:
        return db.session.scalar(
            select(Category).where(Category.bank_id == qbank.id, Category.path == path)
        )

    return get


@pytest.fixture
def user(app, demo_people):
    def get(username: str) -> User:
        return db.session.scalar(select(User).where(User.username == username))

    return get


@pytest.fixture
def make_quiz(qbank, category, user):
    """Factory of published quizzes.

    make_quiz(fixed=("S00",), draws=(("法律/大气", "single", 3),), **settings) -> Quiz
    """

    def make(fixed=("S00", "M01"), draws=(), publish=True, **kw):
        now = utcnow()
        kw.setdefault("opens_at", now - timedelta(hours=1))
        kw.setdefault("closes_at", now + timedelta(hours=1))
        quiz = services.create_quiz(
            services.QuizData(title=kw.pop("title", "测验"), **kw), user("trainer").id
        )
        for code in fixed:
            services.add_slot(
                quiz, services.SlotData(points=2.0, bank_id=qbank.id, question_code=code)
            )
        for path, qtype, count in draws:
            services.add_slot(
                quiz,
                services.SlotData(
                    points=1.0, category_id=category(path).id, qtype=qtype, count=count
                ),
            )
        if publish:
            services.publish(quiz)
        db.session.commit()
        return quiz

    return make
