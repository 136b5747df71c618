"""Quizzes: building, drawing papers, taking, saving answers, submitting, grading and the ledger.

Plain data in, ``PlayError`` (Chinese reasons and an HTTP status) out; flush, never commit.
Exactly-one submission is guarded in the database: a conditional UPDATE ... WHERE status='open'
whose rowcount must be 1, and a partial unique index allowing one open attempt per officer.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Float,
    Integer,
    String,
    Text,
    bindparam,
    cast,
    func,
    insert,
    literal,
    select,
    union,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from lianbing.host import (
    Refused,
    ScoreNotCounted,
    User,
    active_campaign,
    db,
    declare_expected,
    log_event,
    record_score,
    to_local,
    utcnow,
    version,
    version_column,
    versions_in_redis,
    withdraw_expected,
)
from quizzes import authoring, qtypes
from quizzes import services as bank
from quizzes.models import Bank, Category, Question, QuestionVersion
from quizzes.play import display, gate, marking, plan
from quizzes.play.models import (
    AUDIENCES,
    GRADINGS,
    MODES,
    REVIEW_DEFAULTS,
    REVIEW_PARTS,
    REVIEWS,
    Attempt,
    AttemptItem,
    Quiz,
    QuizSlot,
)
from quizzes.play.plan import Plan, candidates
from quizzes.play.practice import note_quiz_results, practiced_statement

#: seconds after the deadline during which a last save or submission is still accepted
GRACE_SECONDS = 5
CHOICE_TYPES = ("single", "multiple")
_ATTEMPTS, _ITEMS, _VERSIONS = Attempt.__table__, AttemptItem.__table__, QuestionVersion.__table__
_UPSERTS = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}


class PlayError(Refused):
    """A refused action; ``reasons`` for people (Chinese, joined by "；"), ``status`` for HTTP."""

    def __init__(self, reasons: str | list[str], status: int = 400):
        reasons = [reasons] if isinstance(reasons, str) else list(reasons)
        super().__init__("；".join(reasons), status, reasons=reasons)


class TimeUp(PlayError):
    """A save after the deadline: refused (409), but the auto-submission it caused is kept."""

    keep = True

    def __init__(self, message: str = "答题时间已到，试卷已自动提交"):
        super().__init__(message, 409)


@dataclass
class QuizData:
    """A quiz's settings as plain data (from the builder form)."""

    title: str
    mode: str = "exam"
    description: str = ""
    time_limit_minutes: int | None = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    attempts_allowed: int = 1
    grading: str = "best"
    shuffle_questions: bool = False
    shuffle_options: bool = False
    partial_credit: bool = True
    review: str = "explanations"
    #: review options (REVIEW_PARTS keys joined by ","); None = the mode's defaults
    review_after: str | None = None
    review_closed: str | None = None
    audience: str = "all"
    audience_ids: list[int] = field(default_factory=list)
    counts: bool = True
    staggered_start: bool = False


@dataclass
class SlotData:
    """One content line: a fixed question (bank + code) or a random draw from a category."""

    points: float = 1.0
    bank_id: int | None = None
    question_code: str = ""
    category_id: int | None = None
    qtype: str = ""
    count: int = 1
    min_difficulty: int = 1
    max_difficulty: int = 5


# --- building ------------------------------------------------------------------------


def quiz_reasons(data: QuizData) -> list[str]:
    """Why these settings cannot be saved."""
    reasons = [] if data.title.strip() else ["标题不能为空"]
    checks = [
        (data.mode in MODES, "模式无效"),
        (data.grading in GRADINGS, "计分方式无效"),
        (data.review in REVIEWS, "回顾设置无效"),
        (_parts_ok(data.review_after) and _parts_ok(data.review_closed), "回顾选项无效"),
        (data.audience in AUDIENCES, "参加范围无效"),
        (data.attempts_allowed >= 0, "答题次数不能为负"),
        (data.time_limit_minutes is None or data.time_limit_minutes > 0, "限时须大于 0 分钟"),
        (
            not (data.opens_at and data.closes_at) or data.opens_at < data.closes_at,
            "结束时间须晚于开始时间",
        ),
        (data.audience == "all" or data.audience_ids, "请选择参加的单位或人员"),
    ]
    return reasons + [text for ok, text in checks if not ok] + schedule_reasons(data)


def _common_start(quiz) -> bool:
    """All officers start together at the opening time (a competition not set to staggered)."""
    return quiz.mode == "competition" and not quiz.staggered_start and quiz.opens_at is not None


def schedule_reasons(data) -> list[str]:
    """A common-start window must hold the time limit and end when the quiz closes."""
    if not (_common_start(data) and data.time_limit_minutes and data.closes_at):
        return []
    limit = timedelta(minutes=data.time_limit_minutes)
    window = data.closes_at - data.opens_at
    if window < limit:
        return [
            f"统一开始的竞赛从开始到结束只有 {int(window.total_seconds() // 60)} 分钟，"
            f"短于限时 {data.time_limit_minutes} 分钟"
        ]
    if window > limit:
        ends = to_local(data.opens_at + limit).strftime("%Y-%m-%d %H:%M")
        return [
            f"统一开始的竞赛在 {ends}（开始时间加限时）就统一交卷，之后无人能再开始；"
            f"请把结束时间设为 {ends}，或勾选“竞赛错峰开始”"
        ]
    return []


def last_start(quiz: Quiz) -> datetime | None:
    """The real last moment an officer can start (common start: opening time plus the limit)."""
    if _common_start(quiz) and quiz.time_limit_minutes:
        common_end = quiz.opens_at + timedelta(minutes=quiz.time_limit_minutes)
        return min(common_end, quiz.closes_at) if quiz.closes_at else common_end
    return quiz.closes_at


def schedule_summary(quiz: Quiz) -> str:
    """Who can start when, in plain words (the quiz page's summary line)."""
    fmt = "%Y-%m-%d %H:%M"
    opens = to_local(quiz.opens_at).strftime(fmt) if quiz.opens_at else None
    last = last_start(quiz)
    limit = f"限时 {quiz.time_limit_minutes} 分钟" if quiz.time_limit_minutes else "不限时"
    if _common_start(quiz) and quiz.time_limit_minutes:
        ends = to_local(last).strftime(fmt)
        return f"所有人 {opens} 同时开始，{limit}，{ends} 统一交卷，此后不能再开始。"
    when = f"{opens} 起" if opens else "现在起"
    until = f"，最晚 {to_local(last).strftime(fmt)} 前开始并交卷" if last else "，不设截止时间"
    per = "每人从自己开始时计时" if quiz.time_limit_minutes else "每人答题时间不限"
    short = "（临近截止才开始的，答题时间到截止为止）" if last and quiz.time_limit_minutes else ""
    return f"{when}随时可以开始，{limit}，{per}{until}{short}。"


def _parts_ok(parts: str | None) -> bool:
    return parts is None or all(p in REVIEW_PARTS for p in parts.split(",") if p)


def create_quiz(data: QuizData, user_id: int | None, owner_bureau_id: int | None = None) -> Quiz:
    """A new, unpublished quiz: city-wide, or a county's own when ``owner_bureau_id`` is set."""
    quiz = Quiz(created_by=user_id, owner_bureau_id=owner_bureau_id, slots=[])
    return update_quiz(quiz, data)


def update_quiz(quiz: Quiz, data: QuizData) -> Quiz:
    """Apply settings after validating them."""
    reasons = quiz_reasons(data)
    if reasons:
        raise PlayError(reasons)
    if not audience_within(quiz.owner_bureau_id, data.audience, data.audience_ids):
        raise PlayError(authoring.AUDIENCE_REFUSED, 403)
    defaults = REVIEW_DEFAULTS.get(data.mode, REVIEW_DEFAULTS["exam"])
    for key, value in vars(data).items():
        if key in ("review_after", "review_closed") and value is None:
            value = defaults[0] if key == "review_after" else defaults[1]
        setattr(quiz, key, value.strip() if isinstance(value, str) else value)
    quiz.campaign_id = quiz.campaign_id or _campaign_id()
    db.session.add(quiz)
    db.session.flush()
    return quiz


def audience_within(owner_bureau_id: int | None, audience: str, ids: list[int]) -> bool:
    """A county's activity names only its own bureau, or people of its own bureau."""
    if owner_bureau_id is None or audience == "all":
        return True
    if audience == "bureaus":
        return set(ids) <= {owner_bureau_id}
    bureaus = set(db.session.scalars(select(User.bureau_id).where(User.id.in_(ids))))
    return bureaus <= {owner_bureau_id}


def real_audience(quiz: Quiz) -> tuple[str, list[int]]:
    """Who the quiz is for: a county's quiz open to "everyone" is open to its own bureau."""
    if quiz.owner_bureau_id is not None and quiz.audience == "all":
        return "bureaus", [quiz.owner_bureau_id]
    return quiz.audience, list(quiz.audience_ids or [])


def _campaign_id() -> int | None:
    campaign = active_campaign()
    return campaign.id if campaign else None


def add_slot(quiz: Quiz, data: SlotData) -> QuizSlot:
    """Add a fixed question or a random draw; refused when the category holds too few questions."""
    if data.points <= 0:
        raise PlayError("每题分值须大于 0")
    slot = _fixed_slot(quiz, data) if data.question_code.strip() else _random_slot(quiz, data)
    slot.position = max((s.position for s in quiz.slots), default=0) + 1
    quiz.slots.append(slot)
    reasons = content_reasons(quiz)
    if reasons:
        quiz.slots.remove(slot)
        raise PlayError(reasons, 409)
    db.session.flush()
    return slot


def _fixed_slot(quiz: Quiz, data: SlotData) -> QuizSlot:
    question = bank.question_by_code(data.bank_id or 0, data.question_code.strip())
    if question is None or not question.is_active:
        raise PlayError(f"题库中没有编号为“{data.question_code}”的可用题目", 404)
    check_banks(quiz, {question.bank.owner_bureau_id})
    return QuizSlot(question_id=question.id, count=1, points=data.points)


def _random_slot(quiz: Quiz, data: SlotData) -> QuizSlot:
    category = db.session.get(Category, data.category_id or 0)
    if category is None:
        raise PlayError("请选择随机抽题的分类", 404)
    check_banks(quiz, {category.bank.owner_bureau_id})
    if data.qtype and data.qtype not in qtypes.QUESTION_TYPES:
        raise PlayError(f"未知题型“{data.qtype}”")
    if not 1 <= data.min_difficulty <= data.max_difficulty <= 5 or data.count < 1:
        raise PlayError("抽题数量须至少为 1，难度范围须在 1 到 5 之间")
    return QuizSlot(
        category_id=data.category_id,
        qtype=data.qtype or None,
        count=data.count,
        min_difficulty=data.min_difficulty,
        max_difficulty=data.max_difficulty,
        points=data.points,
    )


def check_banks(quiz: Quiz, owners: set[int | None]) -> None:
    """A county's quiz draws from the city's banks and its own, never another county's."""
    if quiz.owner_bureau_id is not None and owners - {None, quiz.owner_bureau_id}:
        raise PlayError(authoring.BANK_REFUSED, 403)


def slot_names(quiz: Quiz) -> dict[int, str]:
    """What each slot draws from, in words (code and first line, or category path), by slot id."""
    codes = {
        qid: f"{code} {display.first_line(stem)}"
        for qid, code, stem in db.session.execute(
            select(Question.id, Question.code, Question.stem).where(
                Question.id.in_([s.question_id for s in quiz.slots if s.question_id])
            )
        )
    }
    paths = dict(
        db.session.execute(
            select(Category.id, Category.path).where(
                Category.id.in_([s.category_id for s in quiz.slots if s.category_id])
            )
        ).all()
    )
    return {
        s.id: codes.get(s.question_id, "") if s.question_id else paths.get(s.category_id, "")
        for s in quiz.slots
    }


@dataclass
class BrowseQuery:
    """The builder's bank browser: a bank and filters (text, type, category, tag)."""

    bank_id: int | None = None
    text: str = ""
    qtype: str = ""
    category_id: int | None = None
    tag: str = ""

    @classmethod
    def from_args(cls, args) -> "BrowseQuery":
        return cls(
            bank_id=args.get("bank", type=int),
            text=(args.get("q") or "").strip(),
            qtype=args.get("qtype", "") if args.get("qtype") in qtypes.QUESTION_TYPES else "",
            category_id=args.get("category", type=int),
            tag=(args.get("tag") or "").strip(),
        )


BROWSE_LIMIT = 100


def browse(query: BrowseQuery, quiz: Quiz) -> list[dict]:
    """Active questions of a bank matching the filters (first 100), marked when already fixed."""
    if not query.bank_id:
        return []
    source = db.session.get(Bank, query.bank_id)
    if source is None:
        return []
    check_banks(quiz, {source.owner_bureau_id})
    search = bank.SearchQuery(
        text=query.text,
        tag=query.tag,
        qtype=query.qtype,
        category_id=query.category_id,
        active=True,
    )
    fixed = {s.question_id for s in quiz.slots if s.question_id}
    found = db.session.scalars(bank.search_statement(query.bank_id, search).limit(BROWSE_LIMIT))
    return [
        {
            "id": q.id,
            "code": q.code,
            "text": display.first_line(q.stem, 60),
            "label": qtypes.LABELS.get(q.qtype, q.qtype),
            "category": q.category.path if q.category else "",
            "in_paper": q.id in fixed,
        }
        for q in found
    ]


def add_fixed_questions(quiz: Quiz, question_ids: list[int], points: float) -> int:
    """Tick questions into the paper as fixed lines (those already in it are left alone)."""
    if not question_ids:
        raise PlayError("请先勾选要加入试卷的题目")
    if points <= 0:
        raise PlayError("每题分值须大于 0")
    questions = list(
        db.session.scalars(
            select(Question).where(Question.id.in_(question_ids), Question.is_active.is_(True))
        )
    )
    if len(questions) != len(set(question_ids)):
        raise PlayError("所选题目中有不存在或已停用的题目", 404)
    check_banks(quiz, {q.bank.owner_bureau_id for q in questions})
    fixed = {s.question_id for s in quiz.slots if s.question_id}
    position = max((s.position for s in quiz.slots), default=0)
    new = [q for q in sorted(questions, key=lambda q: q.code) if q.id not in fixed]
    for offset, q in enumerate(new, 1):
        quiz.slots.append(
            QuizSlot(question_id=q.id, count=1, points=points, position=position + offset)
        )
    db.session.flush()
    return len(new)


def remove_slot(quiz: Quiz, slot_id: int) -> None:
    slot = next((s for s in quiz.slots if s.id == slot_id), None)
    if slot is None:
        raise PlayError("没有这一行", 404)
    quiz.slots.remove(slot)
    db.session.flush()


def content_reasons(quiz: Quiz) -> list[str]:
    """Why the quiz's content cannot be drawn (too few questions for its random draws)."""
    fixed = {s.question_id for s in quiz.slots if not s.is_random}
    reasons, pool, wanted = [], set(fixed), len(fixed)
    for s in (s for s in quiz.slots if s.is_random):
        found = set(candidates(s)) - fixed
        if len(found) < s.count:
            reasons.append(
                f"第 {s.position} 行要求随机抽取 {s.count} 题，"
                f"但该分类中符合条件的题目只有 {len(found)} 题"
            )
        pool |= found
        wanted += s.count
    if not reasons and len(pool) < wanted:
        reasons.append(f"各随机抽题行共需 {wanted} 道不同的题，题库中符合条件的只有 {len(pool)} 道")
    return reasons


def publish(quiz: Quiz, published: bool = True) -> None:
    """Open the quiz to its audience (checked again: the bank may have changed)."""
    if published:
        reasons = (["还没有添加题目"] if not quiz.slots else []) + content_reasons(quiz)
        if reasons:
            raise PlayError(reasons, 409)
    quiz.is_published = published
    db.session.flush()
    _expect(quiz)
    log_event(
        "quizzes",
        "%s %d %r %s",
        quiz.mode,
        quiz.id,
        quiz.title,
        "published (open to its audience)" if published else "withdrawn",
        target=f"quiz:{quiz.id}",
    )


def _expect(quiz: Quiz) -> None:
    """A published counting quiz is expected of its audience; withdrawn, it is not."""
    ref = f"quiz:{quiz.id}"
    if quiz.is_published and quiz.counts:
        declare_expected(
            quiz.campaign_id,
            quiz.kind,
            ref,
            quiz.title,
            quiz.max_points,
            quiz.closes_at,
            *real_audience(quiz),
        )
    else:
        withdraw_expected(quiz.campaign_id, quiz.kind, ref)


# --- who may take what ----------------------------------------------------------------------


def in_audience(quiz: Quiz, user: User) -> bool:
    """Is the quiz meant for this user (a county's quiz only ever for its own people)?"""
    if quiz.owner_bureau_id is not None and user.bureau_id != quiz.owner_bureau_id:
        return False
    audience, ids = real_audience(quiz)
    if audience == "bureaus":
        return user.bureau_id in ids
    if audience == "users":
        return user.id in ids
    return True


def audience_user_ids(names: list[str]) -> list[int]:
    """Ids of the users named by username (a quiz's audience); refused when a name is unknown."""
    ids = list(db.session.scalars(select(User.id).where(User.username.in_(names))))
    if len(ids) != len(set(names)):
        raise PlayError("指定人员中有不存在的用户名")
    return ids


def usernames(user_ids: list[int]) -> list[str]:
    """The usernames of an audience given by ids (for the builder form)."""
    return list(db.session.scalars(select(User.username).where(User.id.in_(user_ids))))


def is_closed(quiz: Quiz, now: datetime) -> bool:
    return quiz.closes_at is not None and now >= quiz.closes_at


def available_quizzes(user: User, now: datetime) -> list[Quiz]:
    """Published quizzes meant for this user and not closed (plus closed ones they took)."""
    taken = set(db.session.scalars(select(Attempt.quiz_id).where(Attempt.user_id == user.id)))
    quizzes = db.session.scalars(
        select(Quiz).where(Quiz.is_published.is_(True)).order_by(Quiz.id.desc())
    )
    return [q for q in quizzes if in_audience(q, user) and (not is_closed(q, now) or q.id in taken)]


def start_reasons(quiz: Quiz | None, user: User, now: datetime) -> tuple[str, int] | None:
    """Why this user may not start the quiz now: (message, status), or None."""
    if quiz is None or not quiz.is_published:
        return "测验不存在或尚未发布", 404
    if not in_audience(quiz, user):
        return "此测验不面向您所在的单位或您本人", 403
    if quiz.opens_at and now < quiz.opens_at:
        return "测验尚未开始", 409
    if is_closed(quiz, now):
        return "测验已经结束", 409
    return None


# --- taking ---------------------------------------------------------------------------------


def open_attempt(quiz_id: int, user_id: int) -> Attempt | None:
    return db.session.scalar(
        select(Attempt).where(
            Attempt.quiz_id == quiz_id, Attempt.user_id == user_id, Attempt.status == "open"
        )
    )


def start_attempt(quiz: Quiz | None, user: User, now: datetime | None = None) -> Attempt:
    """The officer's open attempt, or a new one with its paper drawn and stored."""
    return db.session.get(Attempt, start_attempt_id(quiz, user, now))


def start_attempt_id(quiz: Quiz | None, user: User, now: datetime | None = None) -> int:
    """As start_attempt, but only the attempt's id; the quiz as it stands in this session."""
    drawn = plan.build(quiz) if quiz else None
    mine = _mine(quiz.id if quiz else 0, user.id, None, drawn is not None and drawn.chooses)
    return _start(drawn, user, now or utcnow(), mine)


def start_by_id(quiz_id: int, user: User, now: datetime | None = None) -> int:
    """As start_attempt_id for the start view: the quiz's plan kept per version (plan.py),
    read with the officer's attempts (and seen questions, when they may count) in one
    statement."""
    version = _plans_version_in_redis()
    mine = _mine(quiz_id, user.id, version, plan.kept_chooses(quiz_id))
    return _start(plan.cached(quiz_id, mine.version), user, now or utcnow(), mine)


def _plans_version_in_redis() -> int | None:
    """The plans' version from Redis (read before the data), or None: read with the data."""
    return version(plan.VERSION) if versions_in_redis() else None


_MINE_WHERE = (_ATTEMPTS.c.quiz_id == bindparam("quiz_id")) & (
    _ATTEMPTS.c.user_id == bindparam("user_id")
)
_SEEN = union(
    select(_ITEMS.c.question_id)
    .join(_ATTEMPTS, _ATTEMPTS.c.id == _ITEMS.c.attempt_id)
    .where(_ATTEMPTS.c.user_id == bindparam("user_id")),
    practiced_statement(bindparam("user_id")),
)


def _seen_column(dialect: str):
    """The officer's seen questions as one comma-separated string (NULL when none)."""
    ids = _SEEN.subquery().c.question_id
    joined = (
        func.string_agg(cast(ids, String), ",")
        if dialect == "postgresql"
        else func.group_concat(ids)
    )
    return select(joined).scalar_subquery().label("seen")


def _mine_statement(dialect: str, versioned: bool, seen: bool):
    """The officer's attempts at the quiz (how many, the open one); with the plans' version
    from the counters table (no Redis) and the seen questions when asked, in one snapshot."""
    stmt = select(
        select(func.count()).where(_MINE_WHERE).scalar_subquery().label("done"),
        select(_ATTEMPTS.c.id)
        .where(_MINE_WHERE, _ATTEMPTS.c.status == "open")
        .scalar_subquery()
        .label("open_id"),
    )
    if versioned:
        stmt = stmt.add_columns(version_column())
    return stmt.add_columns(_seen_column(dialect)) if seen else stmt


#: every variant built once: (dialect, version read here, seen questions read) → statement
_MINE = {
    (dialect, versioned, seen): _mine_statement(dialect, versioned, seen)
    for dialect in _UPSERTS
    for versioned in (False, True)
    for seen in (False, True)
}


def _mine(quiz_id: int, user_id: int, known: int | None, seen: bool) -> _Mine:
    """The officer's attempts, the plans' version ``known`` or read here from the database,
    and the seen questions when ``seen``."""
    params = {"quiz_id": quiz_id, "user_id": user_id, "version_name": plan.VERSION}
    stmt = _MINE[db.session.get_bind().dialect.name, known is None, seen]
    row = db.session.connection().execute(stmt, params).one()
    return _Mine(
        row.done,
        row.open_id,
        known if known is not None else row.version,
        ({int(q) for q in row.seen.split(",")} if row.seen else set()) if seen else None,
    )


@dataclass
class _Mine:
    done: int
    open_id: int | None
    version: int
    #: the officer's seen questions (None when not read)
    seen: set[int] | None


def _start(drawn: Plan | None, user: User, now: datetime, mine: _Mine) -> int:
    """The open attempt's id, or a new attempt's (refused as start_reasons says)."""
    refused = start_reasons(drawn.quiz if drawn else None, user, now)
    if refused:
        raise PlayError(*refused)
    quiz = drawn.quiz
    if mine.open_id is not None:
        current = db.session.get(Attempt, mine.open_id)
        if not expire_if_due(current, now):
            return current.id
    if quiz.attempts_allowed and mine.done >= quiz.attempts_allowed:
        raise PlayError(f"此测验最多可答 {quiz.attempts_allowed} 次，您已用完", 409)
    ends = deadline(quiz, now)
    if ends is not None and ends <= now:
        raise PlayError("统一答题时间已过，不能再开始答题", 409)
    return _insert_attempt(drawn, user, mine.done + 1, now, mine.seen)


def _insert_attempt(
    drawn: Plan, user: User, number: int, now: datetime, seen: set[int] | None = None
) -> int:
    """Insert the attempt and its paper in one short write transaction; the attempt's id."""
    quiz, items = drawn.quiz, draw(drawn, user.id, seen=seen)
    gate.enter(db.session())
    attempt_id = _insert_with_paper(
        {
            "quiz_id": quiz.id,
            "user_id": user.id,
            "bureau_id": user.bureau_id,
            "number": number,
            "status": "open",
            "started_at": now,
            "deadline_at": deadline(quiz, now),
            "max_score": sum(i.points for i in items),
        },
        items,
    )
    if attempt_id is None:
        # another tab or worker started the same attempt a moment ago: use that one
        existing = open_attempt(quiz.id, user.id)
        if existing is None:
            raise PlayError("开始答题失败，请重试", 409)
        return existing.id
    unfrozen = [i for i in items if not i.version_frozen]
    _freeze({i.version_id for i in unfrozen})
    plan.note_frozen(drawn, [i.question_id for i in unfrozen])
    return attempt_id


_ATTEMPT_COLUMNS = (
    "quiz_id",
    "user_id",
    "bureau_id",
    "number",
    "status",
    "started_at",
    "deadline_at",
    "max_score",
)
#: the start's INSERT … ON CONFLICT DO NOTHING RETURNING id, built once per dialect
_INSERT_ONCE = {
    name: upsert(_ATTEMPTS)
    .values({c: bindparam(c) for c in _ATTEMPT_COLUMNS})
    .on_conflict_do_nothing()
    .returning(_ATTEMPTS.c.id)
    for name, upsert in _UPSERTS.items()
}


_INSERT_ITEMS = insert(_ITEMS)
#: the paper's columns, each sent as one array on PostgreSQL: (column, array's element type)
_PAPER = (
    ("position", Integer),
    ("slot_no", Integer),
    ("question_id", Integer),
    ("version_id", Integer),
    ("points", Float),
    ("option_order", Text),
)


def _insert_with_paper_statement():
    """WITH attempt AS (INSERT … ON CONFLICT DO NOTHING RETURNING id), paper AS (INSERT INTO
    items SELECT attempt.id, unnest(:positions), … FROM attempt) SELECT id FROM attempt."""
    attempt = _INSERT_ONCE["postgresql"].cte("attempt")
    columns = [func.unnest(bindparam(f"paper_{c}", type_=ARRAY(t))) for c, t in _PAPER]
    columns[-1] = cast(columns[-1], JSON)  # option orders go as JSON text (NULL: none)
    # the other columns' Python defaults, which an INSERT in a CTE would leave unset
    named = {"attempt_id", *(c for c, _ in _PAPER)}
    defaults = [c for c in _ITEMS.c if c.name not in named and c.default is not None]
    paper = insert(_ITEMS).from_select(
        ["attempt_id", *(c for c, _ in _PAPER), *(c.name for c in defaults)],
        select(attempt.c.id, *columns, *(literal(c.default.arg, c.type) for c in defaults)),
        include_defaults=False,
    )
    return select(attempt.c.id).add_cte(paper.cte("paper"))


_INSERT_WITH_PAPER = _insert_with_paper_statement()


def _insert_with_paper(values: dict, items: list[Drawn]) -> int | None:
    """The attempt (see _insert_once) and its paper: the new attempt's id, or None (and no
    paper) on a unique conflict. One statement on PostgreSQL (a data-modifying CTE), else the
    insert and one executemany of the paper's rows."""
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        arrays = {f"paper_{c}": [getattr(i, c) for i in items] for c, _ in _PAPER}
        arrays["paper_option_order"] = [
            None if i.option_order is None else json.dumps(i.option_order) for i in items
        ]
        return conn.execute(_INSERT_WITH_PAPER, {**values, **arrays}).scalar()
    attempt_id = _insert_once(values)
    if attempt_id is not None:
        conn.execute(_INSERT_ITEMS, [_item_row(attempt_id, i) for i in items])
    return attempt_id


def _insert_once(values: dict) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id: the new id, or None on a unique conflict.

    One statement, no savepoint (a SAVEPOINT opening a pysqlite transaction would commit on RELEASE,
    splitting the start into two write transactions). ``values`` has every _ATTEMPT_COLUMNS.
    """
    stmt = _INSERT_ONCE[db.session.get_bind().dialect.name]
    return db.session.connection().execute(stmt, values).scalar()


def _item_row(attempt_id: int, item: Drawn) -> dict:
    return {
        "attempt_id": attempt_id,
        "position": item.position,
        "slot_no": item.slot_no,
        "question_id": item.question_id,
        "version_id": item.version_id,
        "points": item.points,
        "option_order": item.option_order,
    }


def deadline(quiz: Quiz, start: datetime) -> datetime | None:
    """Server-side deadline, capped at close.

    The time limit from the officer's start (or the common start).
    """
    limit = timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    base = (
        quiz.opens_at
        if (quiz.mode == "competition" and not quiz.staggered_start and quiz.opens_at)
        else start
    )
    ends = [t for t in ((base + limit) if limit else None, quiz.closes_at) if t is not None]
    return min(ends) if ends else None


_FREEZE = (
    update(_VERSIONS)
    .where(_VERSIONS.c.id.in_(bindparam("ids", expanding=True)), _VERSIONS.c.is_frozen.is_(False))
    .values(is_frozen=True)
)


def _freeze(version_ids: set[int]) -> None:
    """Mark versions answered (frozen) so that bank edits make new versions instead (one UPDATE;
    none when every version drawn was frozen already, as after a quiz's first starts: a version
    is never unfrozen)."""
    if version_ids:
        db.session.connection().execute(_FREEZE, {"ids": sorted(version_ids)})


def seen_questions(user_id: int) -> set[int]:
    """Questions this officer has met in earlier papers or practice."""
    return set(db.session.scalars(_SEEN, {"user_id": user_id}))


def draw_paper(quiz: Quiz, user_id: int, rng: random.Random | None = None) -> list[Drawn]:
    """A paper of the quiz as it stands in this session (see draw)."""
    return draw(plan.build(quiz), user_id, rng)


def draw(
    drawn: Plan, user_id: int, rng: random.Random | None = None, seen: set[int] | None = None
) -> list[Drawn]:
    """Pick the questions (fixed ones, then random draws preferring unseen ones) and order them.

    ``seen``: the officer's seen questions when already read (read here only when the plan
    chooses). By default a generator seeded with 32 bytes from the system's source per paper:
    as unpredictable as SystemRandom, without a system call for every number drawn.
    """
    rng = rng or random.Random(os.urandom(32))
    if seen is None:
        seen = seen_questions(user_id) if drawn.chooses else set()
    picked: list[tuple[int, float]] = list(drawn.fixed)
    taken = {q for q, _ in picked}
    for slot in drawn.draws:
        chosen = _draw(slot, taken, seen, rng)
        picked += [(q, slot.points) for q in chosen]
        taken |= set(chosen)
    return _items(drawn, picked, rng)


def _draw(slot: plan.Draw, taken: set[int], seen: set[int], rng: random.Random) -> list[int]:
    pool = [q for q in slot.pool if q not in taken]
    if len(pool) < slot.count:
        raise PlayError("题库中的题目不足以组卷，请联系培训员", 409)
    fresh, old = [q for q in pool if q not in seen], [q for q in pool if q in seen]
    chosen = rng.sample(fresh, min(slot.count, len(fresh)))
    return chosen + rng.sample(old, slot.count - len(chosen))


@dataclass
class Drawn:
    """One question of a freshly drawn paper, as plain data (stored as an AttemptItem row)."""

    position: int
    slot_no: int
    question_id: int
    version_id: int
    points: float
    option_order: list[int] | None
    response: Any = None
    #: the version was frozen when drawn (no need to freeze it again)
    version_frozen: bool = False


def _items(drawn: Plan, picked: list[tuple[int, float]], rng: random.Random) -> list[Drawn]:
    order = list(range(len(picked)))
    if drawn.quiz.shuffle_questions:
        rng.shuffle(order)
    items = []
    for position, slot_no in enumerate(order, 1):
        qid, points = picked[slot_no]
        version = drawn.versions[qid]
        options = _option_order(drawn.quiz, version, rng)
        items.append(
            Drawn(
                position,
                slot_no + 1,
                qid,
                version.id,
                points,
                options,
                version_frozen=version.is_frozen,
            )
        )
    return items


def _option_order(quiz: plan.Settings, version: plan.Current, rng: random.Random):
    """The stored order of a choice question's options (None for other types)."""
    if version.options is None:
        return None
    order = list(range(version.options))
    if quiz.shuffle_options:
        rng.shuffle(order)
    return order


def get_attempt(attempt_id: int, user: User, *, lock: bool = False) -> Attempt:
    """The user's own attempt; 404 when missing, 403 when it is someone else's."""
    stmt = select(Attempt).where(Attempt.id == attempt_id)
    attempt = db.session.scalar(stmt.with_for_update() if lock else stmt)
    if attempt is None:
        raise PlayError("答题记录不存在", 404)
    if attempt.user_id != user.id:
        raise _not_yours(attempt_id, user)
    return attempt


def _not_yours(attempt_id: int, user: User) -> PlayError:
    """Someone asked for another officer's attempt: refused (403), and a line for the operator."""
    log_event(
        "quizzes",
        "attempt %d refused to user %d: it is another officer's",
        attempt_id,
        user.id,
        actor_id=user.id,
        target=f"quiz_attempt:{attempt_id}",
    )
    return PlayError("这不是您的答题记录", 403)


def expire_if_due(attempt: Attempt, now: datetime) -> bool:
    """Submit an open attempt whose deadline (plus grace) has passed; True when it did."""
    if attempt.status != "open" or attempt.deadline_at is None:
        return False
    if now <= attempt.deadline_at + timedelta(seconds=GRACE_SECONDS):
        return False
    try:
        submit(attempt, now=attempt.deadline_at, auto=True)
    except PlayError:
        return True  # someone else submitted it a moment ago
    return True


def expire_quiz(quiz: Quiz, now: datetime) -> int:
    """Auto-submit every overdue open attempt of a quiz (before boards and analysis)."""
    grace = timedelta(seconds=GRACE_SECONDS)
    due = db.session.scalars(
        select(Attempt).where(
            Attempt.quiz_id == quiz.id, Attempt.status == "open", Attempt.deadline_at.is_not(None)
        )
    )
    return sum(expire_if_due(a, now) for a in due if now > a.deadline_at + grace)


#: the save's one locking read, built once (Core on the tables: no ORM entities to load)
_SAVE_READ = (
    select(
        _ATTEMPTS.c.user_id,
        _ATTEMPTS.c.status,
        _ATTEMPTS.c.deadline_at,
        _ITEMS.c.id,
        _VERSIONS.c.qtype,
        _VERSIONS.c.content,
    )
    .select_from(_ATTEMPTS)
    .outerjoin(
        _ITEMS,
        (_ITEMS.c.attempt_id == _ATTEMPTS.c.id) & (_ITEMS.c.position == bindparam("position")),
    )
    .outerjoin(_VERSIONS, _VERSIONS.c.id == _ITEMS.c.version_id)
    .where(_ATTEMPTS.c.id == bindparam("attempt_id"))
    .with_for_update(of=_ATTEMPTS)
)
_SAVE_WRITE = (
    update(_ITEMS)
    .where(_ITEMS.c.id == bindparam("item_id"))
    .values(
        response=bindparam("response"), answered_at=bindparam("now"), option_mask=bindparam("mask")
    )
)


def save_answer(
    attempt_id: int, user: User, position: int, raw: Any, now: datetime | None = None
) -> int:
    """Store one answer of an open attempt (replacing the previous one); returns the position.

    One locking read (attempt, item and question together) and one UPDATE keyed by the item, both
    prebuilt Core statements on the session's connection: on PostgreSQL the attempt row stays
    locked until commit, so a concurrent submission waits for this save.
    """
    now = now or utcnow()
    conn = db.session.connection()
    row = conn.execute(_SAVE_READ, {"attempt_id": attempt_id, "position": position}).first()
    _check_save(row, attempt_id, user, now)
    try:
        response = marking.check_response(row.qtype, row.content, raw)
    except marking.ResponseError as exc:
        raise PlayError(str(exc), 400) from None
    gate.enter(db.session())
    conn.execute(
        _SAVE_WRITE,
        {
            "item_id": row.id,
            "response": response,
            "now": now,
            "mask": marking.option_mask(row.qtype, response),
        },
    )
    return position


def _check_save(row, attempt_id: int, user: User, now: datetime) -> None:
    if row is None:
        raise PlayError("答题记录不存在", 404)
    if row.user_id != user.id:
        raise _not_yours(attempt_id, user)
    if row.status != "open":
        raise PlayError("本次答题已经交卷，答案不能再修改", 409)
    if row.deadline_at and now > row.deadline_at + timedelta(seconds=GRACE_SECONDS):
        expire_if_due(db.session.get(Attempt, attempt_id), now)
        raise TimeUp()
    if row.id is None:
        raise PlayError("这道题不在您的试卷上", 404)


def submit(attempt: Attempt, now: datetime | None = None, *, auto: bool = False) -> Attempt:
    """One final submission: marks the paper, reports to the ledger; 409 if already submitted."""
    now = now or utcnow()
    used = max(0.0, (now - attempt.started_at).total_seconds())
    gate.enter(db.session())
    result = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.status == "open")
        .values(status="submitted", submitted_at=now, is_auto_submitted=auto, seconds_used=used)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise PlayError("本次答题已经交卷，不能重复提交", 409)
    db.session.expire_all()  # answers saved by bulk UPDATEs in this session are read afresh
    quiz = attempt.quiz
    versions = marking.versions_for(attempt.items)
    marking.mark_items(attempt.items, versions, quiz.partial_credit)
    marking.total(attempt)
    note_quiz_results(
        attempt.user_id,
        [
            (i.question_id, marking.is_right(i))
            for i in attempt.items
            if qtypes.get(versions[i.version_id].qtype).is_auto
        ],
    )
    bump_board(quiz.id)
    attempt.not_counted = report(quiz, attempt.user_id)
    return attempt


def bump_board(quiz_id: int) -> None:
    """New results: the cached leaderboard of this quiz is stale in every worker."""
    db.session.execute(
        update(Quiz)
        .where(Quiz.id == quiz_id)
        .values(board_version=Quiz.board_version + 1)
        .execution_options(synchronize_session=False)
    )


# --- which attempt counts, and the ledger --------------------------------------------------


def submitted_attempts(quiz_id: int, user_id: int) -> list[Attempt]:
    return list(
        db.session.scalars(
            select(Attempt)
            .where(
                Attempt.quiz_id == quiz_id,
                Attempt.user_id == user_id,
                Attempt.status == "submitted",
            )
            .order_by(Attempt.submitted_at, Attempt.id)
        )
    )


def counting_attempt(quiz: Quiz, user_id: int) -> Attempt | None:
    """The submitted attempt that counts: the best (earliest of equals) or the last."""
    attempts = submitted_attempts(quiz.id, user_id)
    if not attempts:
        return None
    if quiz.grading == "last":
        return attempts[-1]
    return max(attempts, key=lambda a: (a.score, -a.id))


def report(
    quiz: Quiz, user_id: int, *, actor_id: int | None = None, reason: str = ""
) -> str | None:
    """Write the counting attempt to the campaign ledger (one row per officer and quiz).

    Returns why the ledger did not count it (the campaign closed, or the attempt outside the
    campaign's dates), else None: the attempt and its marks are kept either way.
    """
    counting = counting_attempt(quiz, user_id)
    if not quiz.counts or quiz.campaign_id is None or counting is None or counting.max_score <= 0:
        return None
    try:
        _record(quiz, user_id, counting, actor_id, reason)
    except ScoreNotCounted as refusal:
        return refusal.message
    return None


def _record(quiz: Quiz, user_id: int, counting: Attempt, actor_id: int | None, reason: str) -> None:
    points = min(counting.score, counting.max_score)
    record_score(
        user_id,
        quiz.campaign_id,
        quiz.kind,
        f"quiz:{quiz.id}",
        points,
        counting.max_score,
        counting.submitted_at,
        {"attempt_id": counting.id, "pending_essays": counting.pending},
        title=quiz.title,
        actor_id=actor_id,
        reason=reason,
    )


# --- essays and regrades -------------------------------------------------------------------


def essay_queue(
    quiz_id: int | None = None, owner_bureau_id: int | None = None
) -> list[AttemptItem]:
    """Essay answers of submitted attempts still waiting for a mark, oldest first (only the
    quizzes of ``owner_bureau_id`` when given: a county author marks its own)."""
    stmt = (
        select(AttemptItem)
        .join(Attempt)
        .where(Attempt.status == "submitted", AttemptItem.score.is_(None))
        .order_by(Attempt.submitted_at, AttemptItem.id)
    )
    if quiz_id:
        stmt = stmt.where(Attempt.quiz_id == quiz_id)
    if owner_bureau_id is not None:
        owned = select(Quiz.id).where(Quiz.owner_bureau_id == owner_bureau_id)
        stmt = stmt.where(Attempt.quiz_id.in_(owned))
    return list(db.session.scalars(stmt))


def grade_essay(item_id: int, points: float, feedback: str, grader: User) -> AttemptItem:
    """Mark one essay; the attempt's score, the leaderboard and the ledger follow."""
    item = db.session.get(AttemptItem, item_id)
    if item is None or item.attempt.status != "submitted":
        raise PlayError("没有这份待批改的答案", 404)
    authoring.require_quiz(grader, item.attempt.quiz)
    try:
        marking.grade_item(item, points, feedback, grader.id)
    except marking.ResponseError as exc:
        raise PlayError(str(exc)) from None
    bump_board(item.attempt.quiz_id)
    item.not_counted = report(
        item.attempt.quiz, item.attempt.user_id, actor_id=grader.id, reason="简答题评分"
    )
    db.session.flush()
    log_event(
        "quizzes",
        "essay answer %d of attempt %d graded %g / %g",
        item.id,
        item.attempt_id,
        item.score,
        item.points,
        actor_id=grader.id,
        target=f"quiz_attempt_item:{item.id}",
    )
    return item


def regrade_question(quiz: Quiz, question_id: int, actor: User, reason: str) -> int:
    """Mark one question again in every submitted attempt of the quiz (after a key fix).

    Returns how many attempts changed.
    """
    authoring.require_quiz(actor, quiz)
    question = db.session.get(Question, question_id)
    if question is None:
        raise PlayError("题目不存在", 404)
    items = list(
        db.session.scalars(
            select(AttemptItem)
            .join(Attempt)
            .where(
                Attempt.quiz_id == quiz.id,
                Attempt.status == "submitted",
                AttemptItem.question_id == question_id,
            )
        )
    )
    changed = marking.regrade_items(question, items, actor.id, reason or "题目答案更正后重新评分")
    for user_id in {a.user_id for a in changed}:
        report(quiz, user_id, actor_id=actor.id, reason=reason or "重新评分")
    if changed:
        bump_board(quiz.id)
    db.session.flush()
    log_event(
        "quizzes",
        "question %d regraded in quiz %d: %d answers marked again, %d attempts changed",
        question_id,
        quiz.id,
        len(items),
        len(changed),
        actor_id=actor.id,
        target=f"quiz:{quiz.id}",
        count=len(changed),
    )
    return len(changed)


# --- reading -------------------------------------------------------------------------------


def review_parts(quiz: Quiz, now: datetime) -> set[str]:
    """What the officer may see of a submitted attempt now (REVIEW_PARTS keys), per moment."""
    parts = quiz.review_closed if is_closed(quiz, now) else quiz.review_after
    return {p for p in (parts or "").split(",") if p}


def expire_mine(user_id: int, now: datetime | None = None) -> None:
    """Auto-submit the officer's overdue open attempts (practice reopens only after that)."""
    now = now or utcnow()
    mine = db.session.scalars(
        select(Attempt).where(Attempt.user_id == user_id, Attempt.status == "open")
    )
    for attempt in list(mine):
        expire_if_due(attempt, now)


def public_item(item: AttemptItem, version: QuestionVersion) -> dict:
    """What the browser gets for one question before submission: no key."""
    view = qtypes.get(version.qtype).public_view(version.content)
    if item.option_order is not None:
        view["options"] = [{"index": i, "text": view["options"][i]} for i in item.option_order]
    return {
        "position": item.position,
        "qtype": version.qtype,
        "label": qtypes.LABELS[version.qtype],
        "stem": version.stem,
        "points": item.points,
        "view": view,
        "response": item.response,
    }


def paper(attempt: Attempt) -> list[dict]:
    versions = marking.versions_for(attempt.items)
    return [public_item(i, versions[i.version_id]) for i in attempt.items]


def quiz_attempts(quiz_id: int) -> list[Attempt]:
    return list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.quiz_id == quiz_id)
            .order_by(Attempt.started_at, Attempt.id)
        )
    )


def history(user_id: int) -> list[Attempt]:
    return list(
        db.session.scalars(
            select(Attempt).where(Attempt.user_id == user_id).order_by(Attempt.started_at.desc())
        )
    )


def sample_paper(quiz: Quiz, user_id: int) -> list[dict]:
    """A paper drawn as an officer would get it, not stored (builder preview, with keys)."""
    items = draw_paper(quiz, user_id)
    versions = marking.versions_for(items)
    return [
        {
            **public_item(i, versions[i.version_id]),
            "key": display.shown_key(
                versions[i.version_id].qtype, versions[i.version_id].content, i.option_order
            ),
        }
        for i in items
    ]
