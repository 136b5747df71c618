"""Demo content for quizzes: a practice quiz and the campaign's competitions over the demo bank:
the preliminary round held in the self-inspection stage (most officers took it), the second round
open now (some have taken it) and a law test opening in two weeks. Idempotent (keyed by titles)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from lianbing.host import LOCAL_TZ, User, active_campaign, db, utcnow
from quizzes import services as bank_services
from quizzes.models import Bank, Category, Question, QuestionVersion
from quizzes.play import services
from quizzes.services import QuestionData

PRACTICE_TITLE = "每日法规练习"
#: the competition's two rounds and a test to come (the year is the campaign's)
PAST_ROUND = "{year}年环境执法知识竞赛（初赛）"
OPEN_ROUND = "{year}年环境执法知识竞赛（复赛）"
UPCOMING_TEST = "《固体废物污染环境防治法》专题测验"
FALLBACK_BANK = "大练兵演示题库"
LAWS = [
    ("环境保护法", "按日连续处罚", "《中华人民共和国环境保护法》第五十九条"),
    ("环境保护法", "查封、扣押", "《中华人民共和国环境保护法》第二十五条"),
    ("大气污染防治法", "超标排放大气污染物", "《中华人民共和国大气污染防治法》第九十九条"),
    ("水污染防治法", "私设暗管排放水污染物", "《中华人民共和国水污染防治法》第八十三条"),
    ("行政处罚", "现场检查笔录须由两名以上执法人员", "《中华人民共和国行政处罚法》第五十五条"),
    ("行政处罚", "听证告知", "《中华人民共和国行政处罚法》第六十三条"),
]


def load(campaign_id: int) -> None:
    """Practice quiz, the competitions past, open and upcoming, and the officers' attempts."""
    bank = _bank()
    trainer = db.session.scalar(select(User).where(User.username == "trainer"))
    campaign = active_campaign()
    now = utcnow()
    start = campaign.start_date if campaign else now.date() - timedelta(days=60)
    year = campaign.year if campaign else now.year
    if _quiz(PRACTICE_TITLE) is None:
        _practice_quiz(bank, trainer)
    past = PAST_ROUND.format(year=year)
    if _quiz(past) is None:
        opens = datetime.combine(start + timedelta(days=25), time(8), tzinfo=LOCAL_TZ)
        quiz = _competition(bank, trainer, past, opens, opens + timedelta(days=7))
        _attempts(quiz, opens + timedelta(hours=2), lambda i: i % 5 != 4)  # four in five took it
    current = OPEN_ROUND.format(year=year)
    if _quiz(current) is None:
        quiz = _competition(
            bank, trainer, current, now - timedelta(days=2), now + timedelta(days=10)
        )
        _attempts(quiz, now - timedelta(days=1, hours=20), lambda i: i % 3 == 0)  # a third so far
    if _quiz(UPCOMING_TEST) is None:
        opens = now + timedelta(days=14)
        _competition(bank, trainer, UPCOMING_TEST, opens, opens + timedelta(days=7), mode="exam")
    db.session.flush()


def _quiz(title: str):
    return db.session.scalar(select(services.Quiz).where(services.Quiz.title == title))


def _bank() -> Bank:
    """The demo bank (the bank with most questions), or a small one made here when none exists."""
    row = db.session.execute(
        select(Question.bank_id, func.count())
        .where(Question.is_active.is_(True))
        .group_by(Question.bank_id)
        .order_by(func.count().desc())
    ).first()
    if row is not None and row[1] >= 12:
        return db.session.get(Bank, row[0])
    return _fallback_bank()


def _fallback_bank() -> Bank:
    bank = bank_services.get_or_create_bank(FALLBACK_BANK)
    if bank_services.bank_questions(bank.id):
        return bank
    for i, (law, topic, basis) in enumerate(LAWS * 3):
        bank_services.create_question(bank, _question(i, law, topic, basis))
    return bank


def _question(i: int, law: str, topic: str, basis: str) -> QuestionData:
    category = f"法律法规/{law}"
    if i % 3 == 2:
        return QuestionData(
            qtype="truefalse",
            stem=f"关于“{topic}”，{basis}有明确规定。（第 {i + 1} 题）",
            content={"answer": True},
            category=category,
            difficulty=2,
            legal_basis=basis,
        )
    options = [
        {"text": basis, "weight": 1.0},
        {"text": "《中华人民共和国刑法》", "weight": 0},
        {"text": "地方政府规章", "weight": 0},
        {"text": "没有规定", "weight": 0},
    ]
    return QuestionData(
        qtype="single",
        stem=f"“{topic}”的法律依据是？（第 {i + 1} 题）",
        content={"options": options},
        category=category,
        difficulty=1 + i % 5,
        legal_basis=basis,
        explanation=f"见{basis}。",
    )


def _practice_quiz(bank: Bank, trainer: User | None) -> None:
    quiz = services.create_quiz(
        services.QuizData(
            title=PRACTICE_TITLE,
            mode="practice",
            attempts_allowed=0,
            counts=False,
            review="explanations",
            shuffle_options=True,
        ),
        trainer.id if trainer else None,
    )
    for q in bank_services.bank_questions(bank.id)[:5]:
        services.add_slot(quiz, services.SlotData(points=2, bank_id=bank.id, question_code=q.code))
    services.publish(quiz)


def _competition(
    bank: Bank, trainer: User | None, title: str, opens, closes, mode: str = "competition"
):
    quiz = services.create_quiz(
        services.QuizData(
            title=title,
            mode=mode,
            time_limit_minutes=20,
            opens_at=opens,
            closes_at=closes,
            staggered_start=True,
            shuffle_questions=True,
            shuffle_options=True,
            review="answers",
            attempts_allowed=1,
        ),
        trainer.id if trainer else None,
    )
    for category in _top_categories(bank):
        available = len(
            services.candidates(
                services.QuizSlot(
                    category_id=category.id, min_difficulty=1, max_difficulty=5, count=1
                )
            )
        )
        if available:
            services.add_slot(
                quiz, services.SlotData(points=5, category_id=category.id, count=min(5, available))
            )
    services.publish(quiz)
    return quiz


def _top_categories(bank: Bank) -> list[Category]:
    return [c for c in bank_services.categories(bank.id) if c.parent_id is None]


def _attempts(quiz, first: datetime, takes) -> None:
    """The officers whose place in the list ``takes`` accepts take the quiz, one every 47
    minutes from ``first`` on, answering mostly right."""
    rng = random.Random(quiz.id)
    officers = db.session.scalars(
        select(User).where(User.role == "officer").order_by(User.username)
    )
    takers = [o for i, o in enumerate(officers) if takes(i)]
    for i, officer in enumerate(takers):
        started = first + timedelta(minutes=i * 47)
        attempt = services.start_attempt(quiz, officer, now=started)
        for item in attempt.items:
            services.save_answer(attempt.id, officer, item.position, _guess(item, rng), now=started)
        services.submit(attempt, now=started + timedelta(seconds=rng.randint(240, 1100)))


def _guess(item, rng: random.Random):
    version = db.session.get(QuestionVersion, item.version_id)
    if version.qtype == "truefalse":
        return rng.random() < 0.7
    if version.qtype in ("single", "multiple"):
        pick = 0 if rng.random() < 0.7 else rng.randrange(len(version.content["options"]))
        return pick if version.qtype == "single" else [pick]
    return None
