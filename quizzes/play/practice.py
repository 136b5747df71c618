"""Practice: sequential and random practice by category, the wrong-answer book and a daily set.

An answer in practice is marked at once and its key shown; the wrong-answer book (错题本) keeps
a question until the officer answers it right twice in a row.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time
from typing import Any, Iterable

from sqlalchemy import Select, or_, select

from lianbing.host import Refused, User, db, local_to_utc, utcnow
from quizzes import qtypes
from quizzes import services as bank
from quizzes.models import Bank, Question, QuestionVersion
from quizzes.play import marking, seal
from quizzes.play.models import Attempt, PracticeAnswer, Quiz, WrongBookEntry

SOURCES = {
    "sequential": "顺序练习",
    "random": "随机练习",
    "daily": "每日一练",
    "wrongbook": "错题本",
}
DAILY_SIZE = 10
RIGHT_TO_CLEAR = 2


class PracticeError(Refused):
    """A refused practice answer: a Chinese message and a status (400 unless given)."""


def practiced_statement(user_id: int) -> Select:
    return select(PracticeAnswer.question_id).where(PracticeAnswer.user_id == user_id)


def practiced_questions(user_id: int) -> set[int]:
    return set(db.session.scalars(practiced_statement(user_id)))


def note(user_id: int, question_id: int, right: bool) -> None:
    """Update the wrong-answer book after one answer (in practice or in a quiz)."""
    entry = db.session.scalar(
        select(WrongBookEntry).where(
            WrongBookEntry.user_id == user_id, WrongBookEntry.question_id == question_id
        )
    )
    if not right:
        if entry is None:
            entry = WrongBookEntry(user_id=user_id, question_id=question_id, wrong_count=0)
            db.session.add(entry)
        entry.wrong_count += 1
        entry.right_streak, entry.is_cleared, entry.last_wrong_at = 0, False, utcnow()
    elif entry is not None and not entry.is_cleared:
        entry.right_streak += 1
        entry.is_cleared = entry.right_streak >= RIGHT_TO_CLEAR
    db.session.flush()


def note_quiz_results(user_id: int, results: Iterable[tuple[int, bool]]) -> None:
    """Wrong answers of a submitted quiz go to the book; right ones count towards clearing."""
    for question_id, right in results:
        note(user_id, question_id, right)


def drawable_banks(user_id: int) -> Select:
    """The banks an officer draws from: the city's and their own bureau's, never another
    county's (decision 0018)."""
    bureau_id = db.session.scalar(select(User.bureau_id).where(User.id == user_id))
    return select(Bank.id).where(
        or_(Bank.owner_bureau_id.is_(None), Bank.owner_bureau_id == bureau_id)
    )


def pool(category_id: int | None, user_id: int | None = None) -> list[int]:
    """Active auto-marked, unsealed questions of a category (and below), or of every bank; by id.
    For an officer (``user_id``), of the banks they may draw from only."""
    stmt = select(Question.id).where(
        Question.is_active.is_(True),
        Question.qtype != "essay",
        Question.id.not_in(seal.sealed_banks_statement()),
    )
    if user_id is not None:
        stmt = stmt.where(Question.bank_id.in_(drawable_banks(user_id)))
    if category_id:
        stmt = stmt.where(Question.category_id.in_(bank.category_ids(category_id)))
    sealed = seal.competition_pool()
    return [q for q in db.session.scalars(stmt.order_by(Question.id)) if q not in sealed]


def next_question(
    user_id: int, category_id: int | None, order: str, rng: random.Random | None = None
) -> int | None:
    """The next question to practise: the first not yet practised (sequential) or a random one."""
    ids = pool(category_id, user_id)
    done = practiced_questions(user_id)
    fresh = [q for q in ids if q not in done]
    if order == "sequential":
        return (fresh or ids or [None])[0]
    return (rng or random.SystemRandom()).choice(fresh or ids) if ids else None


def wrong_book(user_id: int) -> list[WrongBookEntry]:
    """Questions still in the book, most recently missed first (sealed ones held back)."""
    sealed = seal.sealed_ids()
    entries = db.session.scalars(
        select(WrongBookEntry)
        .where(WrongBookEntry.user_id == user_id, WrongBookEntry.is_cleared.is_(False))
        .order_by(WrongBookEntry.last_wrong_at.desc(), WrongBookEntry.id)
    )
    return [e for e in entries if e.question_id not in sealed]


def book_with_questions(user_id: int) -> list[tuple[WrongBookEntry, Question]]:
    entries = wrong_book(user_id)
    questions = {
        q.id: q
        for q in db.session.scalars(
            select(Question).where(Question.id.in_([e.question_id for e in entries]))
        )
    }
    return [(e, questions[e.question_id]) for e in entries]


def daily_set(user_id: int, day: date) -> list[int]:
    """Today's set: up to half from the wrong-answer book, the rest new questions.

    Fixed for the officer and the day: seeded by both, and built from what stood before the
    day began (answers given today do not shift it).
    """
    start = local_to_utc(datetime.combine(day, time()))
    rng = random.Random(f"{user_id}:{day.isoformat()}")
    due = sorted(e.question_id for e in wrong_book(user_id) if e.last_wrong_at < start)
    chosen = rng.sample(due, min(len(due), DAILY_SIZE // 2))
    done = set(
        db.session.scalars(practiced_statement(user_id).where(PracticeAnswer.answered_at < start))
    )
    rest = [q for q in pool(None, user_id) if q not in chosen]
    fresh = [q for q in rest if q not in done] or rest
    return chosen + rng.sample(fresh, min(len(fresh), DAILY_SIZE - len(chosen)))


def daily_resume_index(user_id: int, ids: list[int], day: date) -> int:
    """Where today's set resumes: the first question not yet answered today."""
    start = local_to_utc(datetime.combine(day, time()))
    answered = set(
        db.session.scalars(
            practiced_statement(user_id).where(
                PracticeAnswer.answered_at >= start, PracticeAnswer.source == "daily"
            )
        )
    )
    return next((n for n, q in enumerate(ids) if q not in answered), len(ids))


def in_graded_attempt(user_id: int) -> bool:
    """Has the officer an open exam or competition attempt? Practice would show them keys.

    Not deadline-based: the attempt stays open through the grace window until it is submitted
    or auto-submitted (callers expire overdue attempts first: services.expire_mine).
    """
    return (
        db.session.scalar(
            select(Attempt.id)
            .join(Quiz, Quiz.id == Attempt.quiz_id)
            .where(Attempt.user_id == user_id, Attempt.status == "open", Quiz.mode != "practice")
            .limit(1)
        )
        is not None
    )


def refuse_during_attempt(user_id: int) -> None:
    """Practice shows keys at once, so it is closed while a graded attempt is open."""
    if in_graded_attempt(user_id):
        raise PracticeError("你有正在进行的考试或竞赛，交卷后才能练习。", 409)


def question_for_practice(question_id: int, user_id: int) -> tuple[Question, QuestionVersion]:
    """A question the officer may practise, else a refusal (another county's bank: 403)."""
    question = db.session.get(Question, question_id)
    if question is None or not question.is_active or question.qtype == "essay":
        raise PracticeError("题目不存在", 404)
    if db.session.scalar(drawable_banks(user_id).where(Bank.id == question.bank_id)) is None:
        raise PracticeError("这道题属于其他单位的题库，不能练习", 403)
    if seal.is_sealed(question_id):
        raise PracticeError("这道题目前只用于考试或竞赛，不能练习", 403)
    return question, bank.current_version(question)


def answer(user_id: int, question_id: int, raw: Any, source: str) -> dict:
    """Mark one practice answer at once; returns what to show (now that it is answered)."""
    if source not in SOURCES:
        raise PracticeError("练习方式无效")
    refuse_during_attempt(user_id)
    question, version = question_for_practice(question_id, user_id)
    try:
        response = marking.check_response(version.qtype, version.content, raw)
    except marking.ResponseError as exc:
        raise PracticeError(str(exc)) from None
    if response is None or response == [] or response == "":
        raise PracticeError("请先作答再提交", 400)
    fraction = (
        qtypes.get(version.qtype).mark(version.content, response, partial=False)
        if response is not None
        else 0.0
    )
    right = bool(fraction and fraction >= 1.0)
    db.session.add(
        PracticeAnswer(
            user_id=user_id,
            question_id=question.id,
            version_id=version.id,
            response=response,
            is_correct=right,
            source=source,
        )
    )
    note(user_id, question.id, right)
    return {
        "right": right,
        "key": qtypes.get(version.qtype).key_text(version.content),
        "explanation": version.explanation,
        "legal_basis": version.legal_basis,
    }


def stats(user_id: int) -> dict:
    answers = list(
        db.session.scalars(
            select(PracticeAnswer.is_correct).where(PracticeAnswer.user_id == user_id)
        )
    )
    return {"answered": len(answers), "right": sum(answers), "book": len(wrong_book(user_id))}


def book_entry(user_id: int, question_id: int) -> dict:
    """One 错题本 item opened: the question, the officer's wrong answers in words, key, 解析."""
    entry = db.session.scalar(
        select(WrongBookEntry).where(
            WrongBookEntry.user_id == user_id, WrongBookEntry.question_id == question_id
        )
    )
    if entry is None:
        raise PracticeError("错题本中没有这道题", 404)
    question, version = question_for_practice(question_id, user_id)
    wrong = db.session.scalars(
        select(PracticeAnswer.response).where(
            PracticeAnswer.user_id == user_id,
            PracticeAnswer.question_id == question_id,
            PracticeAnswer.is_correct.is_(False),
        )
    )
    options = [o["text"] for o in version.content.get("options", [])]
    return {
        "entry": entry,
        "question": question,
        "version": version,
        "wrong": sorted({_in_words(version.qtype, r, options) for r in wrong}),
        "key": qtypes.get(version.qtype).key_text(version.content),
        "options": options,
    }


def _in_words(qtype: str, response: Any, options: list[str]) -> str:
    """A practice answer in words: letters with option text (practice shows stored order)."""
    if qtype == "single" and isinstance(response, int):
        return f"{qtypes.letter(response)}. {options[response]}"
    if qtype == "multiple" and isinstance(response, list):
        return "；".join(f"{qtypes.letter(i)}. {options[i]}" for i in response)
    if qtype == "truefalse":
        return "正确" if response else "错误"
    return "；".join(map(str, response)) if isinstance(response, list) else str(response)
