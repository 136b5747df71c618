"""Behaviour of the training part: library, modules, study records, checks, lectures, plans.

Services take plain data and raise ``TrainingError`` subclasses whose message is for people
and whose ``status`` is the HTTP code a view should answer with. They flush, never commit.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError

from lianbing import signals
from lianbing.accounts.models import Bureau, User
from lianbing.audit import services as audit
from lianbing.campaign.services import active_campaign
from lianbing.dbtypes import to_local, utcnow
from lianbing.extensions import db
from lianbing.files import services as files
from lianbing.parts import ROLES
from lianbing.ledger import services as scoring
from training.models import (FTS_TABLE, Article, Attendance, CheckAttempt, CheckQuestion, Law,
                             Lecture, Lesson, LessonAttachment, Module, ModuleCompletion,
                             StudyPlan, StudyRecord)

#: a visible page sends a heartbeat every BEAT_SECONDS; one beat never credits more than MAX_GAP
BEAT_SECONDS = 30
MAX_GAP = 60
#: time counted on a lesson is capped at this multiple of its estimated minutes
LESSON_CAP_FACTOR = 2
#: sign-in opens this long before a session starts and closes when it ends
SIGNIN_EARLY = timedelta(minutes=15)
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ATTACHMENT_TYPES = {".pdf", ".doc", ".docx", ".png", ".jpg", ".jpeg", ".gif"}
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,29}:[1-9][0-9]{0,3}$")
CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,29}$")
CITE_RE = re.compile(r"\[\[([A-Za-z][A-Za-z0-9_-]{0,29}:[0-9]{1,4})\]\]")
QUESTION_KINDS = {"single": "单选题", "multiple": "多选题", "truefalse": "判断题"}
LECTURE_KINDS = {"lecture": "法治讲座", "special": "专题培训", "case": "以案释法"}


class TrainingError(ValueError):
    """A refused action; the message is for people, ``status`` the HTTP code."""

    status = 400


class Forbidden(TrainingError):
    status = 403


class NotFound(TrainingError):
    status = 404


class Conflict(TrainingError):
    status = 409


# --- law library -------------------------------------------------------------

@dataclass(frozen=True)
class LawData:
    code: str
    name: str
    issuer: str = ""
    effective_on: date | None = None


def article_key(code: str, number: int) -> str:
    """The stable reference other parts store, e.g. "EPL2014:24"."""
    return f"{code}:{number}"


def all_laws() -> list[Law]:
    return list(db.session.scalars(select(Law).order_by(Law.code)))


def law_by_code(code: str) -> Law | None:
    return db.session.scalar(select(Law).where(Law.code == code))


def articles_by_keys(keys) -> dict[str, Article]:
    """The library articles among ``keys`` (unknown keys are simply absent)."""
    keys = sorted(set(keys))
    if not keys:
        return {}
    return {a.key: a for a in db.session.scalars(select(Article).where(Article.key.in_(keys)))}


def _check_law(data: LawData) -> None:
    if not CODE_RE.match(data.code or ""):
        raise TrainingError("法规代码须以字母开头，只含字母、数字、- 或 _（如 EPL2014）。")
    if not data.name.strip():
        raise TrainingError("请填写法规名称。")


def _check_articles(articles: list[tuple[int, str]]) -> None:
    if not articles:
        raise TrainingError("没有找到任何条文（请用“第X条”开头分条）。")
    seen = set()
    for number, body in articles:
        if number in seen:
            raise TrainingError(f"第{number}条重复出现。")
        if number <= 0 or number > 9999 or not body.strip():
            raise TrainingError(f"第{number}条的条号或内容无效。")
        seen.add(number)


def import_law(data: LawData, articles: list[tuple[int, str]], *, actor_id: int | None = None) -> Law:
    """Create or update a law and upsert its articles (all or nothing)."""
    _check_law(data)
    _check_articles(articles)
    law = law_by_code(data.code) or Law(code=data.code)
    law.name, law.issuer, law.effective_on = data.name.strip(), data.issuer.strip(), data.effective_on
    db.session.add(law)
    db.session.flush()
    existing = {a.number: a for a in law.articles}
    for number, body in articles:
        article = existing.get(number)
        if article is None:
            article = Article(number=number, key=article_key(law.code, number))
            law.articles.append(article)
        article.body = body.strip()
    db.session.flush()
    reindex(law)
    audit.write("training.law_import", "training_law", law.id, actor_id=actor_id,
                new={"code": law.code, "articles": len(articles)})
    return law


def _is_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def reindex(law: Law) -> None:
    """Refresh the SQLite FTS5 rows of a law's articles (no-op elsewhere)."""
    if not _is_sqlite():
        return
    ids = [a.id for a in law.articles]
    params = [{"id": a.id, "body": f"{a.key} {law.name} {a.body}"} for a in law.articles]
    db.session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE article_id IN "
                            f"({','.join(str(int(i)) for i in ids) or 'NULL'}) "
                            "OR article_id NOT IN (SELECT id FROM training_articles)"))
    if params:
        db.session.execute(text(f"INSERT INTO {FTS_TABLE}(article_id, body) VALUES (:id, :body)"), params)


def search(query: str, limit: int = 50) -> list[Article]:
    """Articles whose law name or text contains the query.

    SQLite: FTS5 with the trigram tokenizer (substring match, ranked by bm25) for queries of
    three or more characters. Chinese has no word boundaries, so shorter queries and
    PostgreSQL (whose built-in text search configurations do not segment Chinese) use a
    plain case-insensitive substring match.
    """
    query = (query or "").strip()[:100]
    if not query:
        return []
    if _is_sqlite() and len(query) >= 3:
        return _fts_search(query, limit)
    pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    stmt = (select(Article).join(Law).where(or_(Article.body.ilike(pattern, escape="\\"),
                                                Law.name.ilike(pattern, escape="\\"),
                                                Article.key.ilike(pattern, escape="\\")))
            .order_by(Law.code, Article.number).limit(limit))
    return list(db.session.scalars(stmt))


def _fts_search(query: str, limit: int) -> list[Article]:
    phrase = '"' + query.replace('"', '""') + '"'
    ids = list(db.session.scalars(text(
        f"SELECT article_id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q ORDER BY bm25({FTS_TABLE}) LIMIT :n"),
        {"q": phrase, "n": limit}))
    found = {a.id: a for a in db.session.scalars(select(Article).where(Article.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def cited_keys(body: str) -> list[str]:
    """Article keys cited inline as [[CODE:N]], in order of first appearance."""
    return list(dict.fromkeys(CITE_RE.findall(body or "")))


def expand_citations(body: str) -> str:
    """Replace [[CODE:N]] with the article quoted from the library (Markdown, sanitized later)."""
    articles = articles_by_keys(cited_keys(body))

    def quote(match: re.Match) -> str:
        article = articles.get(match.group(1))
        if article is None:
            return f"*（引用的条文 {match.group(1)} 不在法规库中）*"
        lines = "\n> ".join(article.body.splitlines())
        return f"\n\n> **{article.label}**　{lines}\n\n"

    return CITE_RE.sub(quote, body or "")


# --- modules, lessons, questions ----------------------------------------------

@dataclass(frozen=True)
class ModuleData:
    title: str
    summary: str = ""
    law_codes: str = ""
    target_roles: tuple[str, ...] = ("officer",)
    is_required: bool = True
    is_published: bool = False
    position: int = 0
    pass_mark: int = 60


@dataclass(frozen=True)
class LessonData:
    title: str
    body: str = ""
    minutes: int = 10
    is_required: bool = True
    position: int = 0


@dataclass(frozen=True)
class QuestionData:
    kind: str
    prompt: str
    options: tuple[str, ...]
    answer: tuple[int, ...]
    points: int = 1


def _check_module(data: ModuleData) -> None:
    if not data.title.strip():
        raise TrainingError("请填写模块标题。")
    if not 0 <= data.pass_mark <= 100:
        raise TrainingError("及格线须在 0 到 100 之间。")
    if not data.target_roles:
        raise TrainingError("请至少选择一个面向的角色。")


def save_module(data: ModuleData, module: Module | None = None, *, actor_id: int | None = None) -> Module:
    """Create or update a module."""
    _check_module(data)
    module = module or Module()
    module.title, module.summary = data.title.strip(), data.summary
    module.law_codes = ",".join(c.strip() for c in data.law_codes.split(",") if c.strip())
    module.target_roles = ",".join(data.target_roles)
    module.is_required, module.is_published = data.is_required, data.is_published
    module.position, module.pass_mark = data.position, data.pass_mark
    db.session.add(module)
    db.session.flush()
    audit.write("training.module_save", "training_module", module.id, actor_id=actor_id,
                new={"title": module.title, "published": module.is_published})
    return module


def save_lesson(module: Module, data: LessonData, lesson: Lesson | None = None) -> Lesson:
    """Create or update a lesson; every cited article must be in the library."""
    if not data.title.strip():
        raise TrainingError("请填写课程标题。")
    if not 1 <= data.minutes <= 600:
        raise TrainingError("预计学习时长须在 1 到 600 分钟之间。")
    missing = set(cited_keys(data.body)) - set(articles_by_keys(cited_keys(data.body)))
    if missing:
        raise TrainingError(f"引用的条文不在法规库中：{'、'.join(sorted(missing))}")
    lesson = lesson or Lesson(module_id=module.id)
    lesson.title, lesson.body, lesson.minutes = data.title.strip(), data.body, data.minutes
    lesson.is_required, lesson.position = data.is_required, data.position
    db.session.add(lesson)
    db.session.flush()
    return lesson


def add_attachment(lesson: Lesson, upload, *, user_id: int | None) -> LessonAttachment:
    """Keep an uploaded PDF, Word file or image with a lesson (raises files.UploadError)."""
    stored = files.store(upload, owner_kind="training.lesson", allowed=ATTACHMENT_TYPES,
                         max_bytes=ATTACHMENT_MAX_BYTES, user_id=user_id)
    attachment = LessonAttachment(lesson_id=lesson.id, file_id=stored.id)
    db.session.add(attachment)
    db.session.flush()
    return attachment


def _check_question(data: QuestionData) -> None:
    if data.kind not in QUESTION_KINDS:
        raise TrainingError("未知的题型。")
    if not data.prompt.strip():
        raise TrainingError("请填写题干。")
    options = [o for o in data.options if o.strip()]
    if len(options) != len(data.options) or len(options) < 2:
        raise TrainingError("至少需要两个非空选项。")
    if not data.answer or any(i < 0 or i >= len(options) for i in data.answer):
        raise TrainingError("正确答案必须是已有的选项。")
    if data.kind != "multiple" and len(data.answer) != 1:
        raise TrainingError("单选题和判断题只能有一个正确答案。")
    if data.points <= 0:
        raise TrainingError("分值须大于 0。")


def add_question(module: Module, data: QuestionData) -> CheckQuestion:
    """Add a question to a module's check."""
    options = ("正确", "错误") if data.kind == "truefalse" else data.options
    data = QuestionData(data.kind, data.prompt, tuple(options), tuple(sorted(set(data.answer))), data.points)
    _check_question(data)
    question = CheckQuestion(module_id=module.id, kind=data.kind, prompt=data.prompt.strip(),
                             options=list(data.options), answer=list(data.answer), points=data.points,
                             position=len(module.questions))
    db.session.add(question)
    db.session.flush()
    return question


def all_modules() -> list[Module]:
    return list(db.session.scalars(select(Module).order_by(Module.position, Module.id)))


def plans_applying(user) -> list[StudyPlan]:
    """Study plans that cover this user (by role and bureau)."""
    stmt = select(StudyPlan).where(or_(StudyPlan.role.is_(None), StudyPlan.role == user.role),
                                   or_(StudyPlan.bureau_id.is_(None), StudyPlan.bureau_id == user.bureau_id))
    return list(db.session.scalars(stmt.order_by(StudyPlan.due_on)))


def visible_modules(user) -> list[Module]:
    """Published modules meant for the user's role or assigned to them by a plan."""
    planned = {p.module_id for p in plans_applying(user)}
    return [m for m in all_modules() if m.is_published and (user.role in m.roles or m.id in planned)]


def can_study(user, module: Module) -> bool:
    return module.is_published and (user.role in module.roles
                                    or any(p.module_id == module.id for p in plans_applying(user)))


def require_study(user, module: Module) -> None:
    if not can_study(user, module):
        raise Forbidden("这个学习模块没有分配给你，或尚未发布。")


# --- study records -----------------------------------------------------------

def open_lesson(user, lesson: Lesson, now: datetime | None = None) -> StudyRecord:
    """The user's study record for a lesson, created on first opening."""
    require_study(user, lesson.module)
    record = record_for(user.id, lesson.id)
    if record is None:
        fresh = StudyRecord(user_id=user.id, lesson_id=lesson.id, seconds=0, opened_at=now or utcnow())
        record = fresh if _insert_once(fresh) else record_for(user.id, lesson.id)
    record.last_beat_at = None  # a fresh page: time starts with its first heartbeat
    db.session.flush()
    return record


def _insert_once(row) -> bool:
    """Insert a row guarded by a unique constraint; False if a concurrent request won."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return False
    return True


def record_for(user_id: int, lesson_id: int) -> StudyRecord | None:
    return db.session.scalar(select(StudyRecord).where(
        StudyRecord.user_id == user_id, StudyRecord.lesson_id == lesson_id))


def lesson_cap(lesson: Lesson) -> int:
    """The most seconds a lesson can count."""
    return lesson.minutes * 60 * LESSON_CAP_FACTOR


def heartbeat(user, record_id: int, visible: bool, now: datetime | None = None) -> int:
    """Credit the time since the previous visible heartbeat; returns the seconds credited.

    Never more than the wall time elapsed, at most MAX_GAP per beat, capped per lesson;
    a hidden page stops the clock until the next visible beat.
    """
    now = now or utcnow()
    record = db.session.get(StudyRecord, record_id)
    if record is None:
        raise NotFound("学习记录不存在。")
    if record.user_id != user.id:
        raise Forbidden("不能为他人的学习记录计时。")
    lesson = db.session.get(Lesson, record.lesson_id)
    require_study(user, lesson.module)
    credit = _credit(record, lesson, now) if visible else 0
    beat_at = max(now, record.last_beat_at or now) if visible else None
    return credit if _compare_and_set(record, credit, beat_at) else 0


def _compare_and_set(record: StudyRecord, credit: int, beat_at: datetime | None) -> bool:
    """Apply a beat only if no other beat changed the record meanwhile (two tabs, replays)."""
    previous = StudyRecord.last_beat_at
    same = previous.is_(None) if record.last_beat_at is None else previous == record.last_beat_at
    result = db.session.execute(
        update(StudyRecord).where(StudyRecord.id == record.id, same)
        .values(seconds=StudyRecord.seconds + credit, last_beat_at=beat_at)
        .execution_options(synchronize_session=False))
    db.session.refresh(record)
    return result.rowcount == 1


def _credit(record: StudyRecord, lesson: Lesson, now: datetime) -> int:
    if record.last_beat_at is None or now <= record.last_beat_at:
        return 0
    elapsed = int((now - record.last_beat_at).total_seconds())
    return max(0, min(elapsed, MAX_GAP, lesson_cap(lesson) - record.seconds))


def mark_done(user, lesson: Lesson, now: datetime | None = None) -> StudyRecord:
    """Mark a lesson done (idempotent) and complete the module when everything is done."""
    record = open_lesson(user, lesson, now)
    if record.done_at is None:
        record.done_at = now or utcnow()
        db.session.flush()
        maybe_complete(user, lesson.module, now)
    return record


# --- checks ------------------------------------------------------------------

def passed_attempt(user_id: int, module_id: int) -> CheckAttempt | None:
    return db.session.scalar(select(CheckAttempt).where(
        CheckAttempt.user_id == user_id, CheckAttempt.module_id == module_id,
        CheckAttempt.is_passed.is_(True)))


def start_check(user, module: Module) -> CheckAttempt:
    """The open attempt at a module's check, or a new one (refused once passed)."""
    require_study(user, module)
    if not module.questions:
        raise NotFound("这个模块没有结业测验。")
    if passed_attempt(user.id, module.id):
        raise Conflict("你已通过这个模块的测验。")
    attempts = list(db.session.scalars(select(CheckAttempt).where(
        CheckAttempt.user_id == user.id, CheckAttempt.module_id == module.id).order_by(CheckAttempt.number)))
    if attempts and attempts[-1].submitted_at is None:
        return attempts[-1]
    attempt = CheckAttempt(module_id=module.id, user_id=user.id, number=len(attempts) + 1, responses={})
    db.session.add(attempt)
    db.session.flush()
    return attempt


def _claim(attempt: CheckAttempt, now: datetime) -> bool:
    """Mark the attempt submitted unless a concurrent request already did (one UPDATE, no race)."""
    result = db.session.execute(
        update(CheckAttempt).where(CheckAttempt.id == attempt.id, CheckAttempt.submitted_at.is_(None))
        .values(submitted_at=now).execution_options(synchronize_session=False))
    db.session.refresh(attempt)
    return result.rowcount == 1


def grade(question: CheckQuestion, chosen: list[int]) -> int:
    """Points for one answer: all or nothing."""
    return question.points if sorted(set(chosen)) == sorted(question.answer) else 0


def submit_check(user, attempt_id: int, responses: dict[int, list[int]],
                 now: datetime | None = None) -> CheckAttempt:
    """Mark an attempt once; a second submission is refused with nothing changed."""
    attempt = db.session.get(CheckAttempt, attempt_id)
    if attempt is None or attempt.user_id != user.id:
        raise NotFound("测验答卷不存在。")
    module = db.session.get(Module, attempt.module_id)
    require_study(user, module)
    if not _claim(attempt, now or utcnow()):
        raise Conflict("这份答卷已经提交过，不能重复提交。")
    earned = sum(grade(q, responses.get(q.id, [])) for q in module.questions)
    total = sum(q.points for q in module.questions) or 1
    attempt.responses = {str(q.id): sorted(set(responses.get(q.id, []))) for q in module.questions}
    attempt.score = earned / total
    attempt.is_passed = attempt.score * 100 >= module.pass_mark
    db.session.flush()
    if attempt.is_passed:
        maybe_complete(user, module, now)
    return attempt


# --- completion and progress -------------------------------------------------

def completion(user_id: int, module_id: int) -> ModuleCompletion | None:
    return db.session.scalar(select(ModuleCompletion).where(
        ModuleCompletion.user_id == user_id, ModuleCompletion.module_id == module_id))


def _required_done(user_id: int, module: Module) -> bool:
    required = {lesson.id for lesson in module.lessons if lesson.is_required}
    done = set(db.session.scalars(select(StudyRecord.lesson_id).where(
        StudyRecord.user_id == user_id, StudyRecord.done_at.is_not(None))))
    return required <= done


def maybe_complete(user, module: Module, now: datetime | None = None) -> ModuleCompletion | None:
    """Complete the module once its required lessons are done and its check is passed."""
    if completion(user.id, module.id) or not _required_done(user.id, module):
        return None
    attempt = passed_attempt(user.id, module.id)
    if module.questions and attempt is None:
        return None
    score = attempt.score if attempt else None
    done = ModuleCompletion(user_id=user.id, module_id=module.id, completed_at=now or utcnow(), score=score)
    if not _insert_once(done):
        return None
    _record_module_score(user, module, done)
    return done


def _record_module_score(user, module: Module, done: ModuleCompletion) -> None:
    campaign = active_campaign()
    if campaign is not None:
        points = round(100 * done.score, 1) if done.score is not None else 100.0
        scoring.record(user.id, campaign.id, "study", f"module:{module.id}", points, 100.0,
                       done.completed_at, {"module_id": module.id, "check_score": done.score},
                       title=f"学习模块：{module.title}", actor_id=user.id)
    signals.module_completed.send("training", user_id=user.id, module_id=module.id,
                                  campaign_id=campaign.id if campaign else None, score=done.score)


@dataclass
class Progress:
    module: Module
    done: int = 0
    total: int = 0
    seconds: int = 0
    check_passed: bool = False
    completed: bool = False
    resume: Lesson | None = None
    done_ids: set = field(default_factory=set)


def progress(user, modules: list[Module]) -> list[Progress]:
    """Progress of the user on each module: lessons done, time, check, where to resume."""
    records = {r.lesson_id: r for r in db.session.scalars(
        select(StudyRecord).where(StudyRecord.user_id == user.id))}
    completed = set(db.session.scalars(select(ModuleCompletion.module_id).where(
        ModuleCompletion.user_id == user.id)))
    passed = set(db.session.scalars(select(CheckAttempt.module_id).where(
        CheckAttempt.user_id == user.id, CheckAttempt.is_passed.is_(True))))
    return [_module_progress(m, records, m.id in completed, m.id in passed) for m in modules]


def _module_progress(module: Module, records: dict, completed: bool, passed: bool) -> Progress:
    p = Progress(module=module, total=len(module.lessons), completed=completed, check_passed=passed)
    for lesson in module.lessons:
        record = records.get(lesson.id)
        p.seconds += record.seconds if record else 0
        if record and record.done_at:
            p.done_ids.add(lesson.id)
        elif p.resume is None:
            p.resume = lesson
    p.done = len(p.done_ids)
    return p


# --- lectures ----------------------------------------------------------------

@dataclass(frozen=True)
class LectureData:
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    place: str
    speaker: str
    bureau_id: int
    audience: tuple[str, ...] = ("officer",)


def can_manage_lecture(user, lecture: Lecture) -> bool:
    """City admins and trainers manage every session; a bureau admin its own bureau's."""
    if user.role in ("city_admin", "trainer"):
        return True
    return user.role == "bureau_admin" and user.bureau_id == lecture.bureau_id


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        if not db.session.scalar(select(Lecture.id).where(Lecture.code == code)):
            return code


def create_lecture(actor, data: LectureData) -> Lecture:
    """Schedule a session with a fresh sign-in code."""
    if not data.title.strip():
        raise TrainingError("请填写讲座名称。")
    if data.kind not in LECTURE_KINDS:
        raise TrainingError("未知的讲座类型。")
    if data.ends_at <= data.starts_at:
        raise TrainingError("结束时间必须晚于开始时间。")
    if db.session.get(Bureau, data.bureau_id) is None:
        raise TrainingError("主办单位不存在。")
    if actor.role == "bureau_admin" and data.bureau_id != actor.bureau_id:
        raise Forbidden("县级管理员只能为本单位安排讲座。")
    if not data.audience or not set(data.audience) <= set(ROLES):
        raise TrainingError("请至少选择一个参加对象。")
    lecture = Lecture(title=data.title.strip(), kind=data.kind, starts_at=data.starts_at,
                      ends_at=data.ends_at, place=data.place.strip(), speaker=data.speaker.strip(),
                      bureau_id=data.bureau_id, audience=",".join(data.audience), code=_new_code(),
                      created_by=actor.id)
    db.session.add(lecture)
    db.session.flush()
    audit.write("training.lecture_create", "training_lecture", lecture.id, actor_id=actor.id,
                bureau_id=data.bureau_id, new={"title": lecture.title})
    return lecture


def lectures_for(user) -> list[Lecture]:
    """Sessions the user may see: every session for staff, else those open to them."""
    lectures = list(db.session.scalars(select(Lecture).order_by(Lecture.starts_at.desc())))
    if user.role in ("city_admin", "trainer"):
        return lectures
    return [lec for lec in lectures if _open_to(user, lec) or can_manage_lecture(user, lec)]


def _open_to(user, lecture: Lecture) -> bool:
    bureau = db.session.get(Bureau, lecture.bureau_id)
    same_bureau = bureau.is_city or bureau.id == user.bureau_id
    return same_bureau and user.role in lecture.roles


def sign_in(user, code: str, now: datetime | None = None) -> Attendance:
    """Sign in to the session whose code was typed; only during it and only for its audience."""
    now = now or utcnow()
    lecture = db.session.scalar(select(Lecture).where(Lecture.code == (code or "").strip().upper()))
    if lecture is None:
        raise NotFound("签到码无效，请核对大屏上显示的签到码。")
    if not _open_to(user, lecture):
        raise Forbidden("这场讲座不面向你所在的单位或岗位，不能签到。")
    if now < lecture.starts_at - SIGNIN_EARLY:
        raise Conflict("签到尚未开始（开讲前 15 分钟开放）。")
    if now > lecture.ends_at:
        raise Conflict("讲座已经结束，签到码已失效。")
    if db.session.scalar(select(Attendance).where(Attendance.lecture_id == lecture.id,
                                                  Attendance.user_id == user.id)):
        raise Conflict("你已经签到过了。")
    return _attend(user, lecture, now)


def _attend(user, lecture: Lecture, now: datetime, actor_id: int | None = None) -> Attendance:
    start = max(now, lecture.starts_at)
    minutes = int((lecture.ends_at - start).total_seconds() // 60)
    attendance = Attendance(lecture_id=lecture.id, user_id=user.id, signed_at=now, minutes=minutes)
    if not _insert_once(attendance):
        raise Conflict("你已经签到过了。")
    campaign = active_campaign()
    if campaign is not None:
        scoring.record(user.id, campaign.id, "lecture", f"lecture:{lecture.id}", float(minutes),
                       float(lecture.minutes), now, {"lecture_id": lecture.id, "minutes": minutes},
                       title=f"{LECTURE_KINDS[lecture.kind]}：{lecture.title}", actor_id=actor_id or user.id)
    return attendance


def record_attendance(user, lecture: Lecture, signed_at: datetime, actor_id: int | None = None) -> Attendance:
    """Attendance entered after the fact (demo data, paper lists); same audience rules as a sign-in."""
    if not _open_to(user, lecture):
        raise Forbidden(f"{user.display_name} 不在这场讲座的参加范围内。")
    return _attend(user, lecture, signed_at, actor_id)


def add_attendance(actor, lecture: Lecture, username: str) -> Attendance:
    """An organizer records someone present from the paper list (counted from the start)."""
    if not can_manage_lecture(actor, lecture):
        raise Forbidden("你不能管理这场讲座。")
    user = db.session.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None or not user.is_active:
        raise NotFound(f"找不到用户“{username}”。")
    if actor.role == "bureau_admin" and user.bureau_id != actor.bureau_id:
        raise Forbidden("县级管理员只能补录本单位人员。")
    if lecture.starts_at > utcnow():
        raise Conflict("讲座尚未开始，不能补录签到。")
    if db.session.scalar(select(Attendance.id).where(Attendance.lecture_id == lecture.id,
                                                     Attendance.user_id == user.id)):
        raise Conflict(f"{user.display_name} 已经签到过了。")
    return record_attendance(user, lecture, lecture.starts_at, actor.id)


# --- study plans ---------------------------------------------------------------

@dataclass(frozen=True)
class PlanData:
    module_id: int
    role: str | None
    bureau_id: int | None
    due_on: date


def create_plan(actor, data: PlanData) -> StudyPlan:
    """Assign a module; a bureau admin may assign only within their own bureau."""
    module = db.session.get(Module, data.module_id)
    if module is None:
        raise NotFound("学习模块不存在。")
    if not module.is_published:
        raise TrainingError("请先发布这个模块再分配。")
    if data.bureau_id is not None and db.session.get(Bureau, data.bureau_id) is None:
        raise TrainingError("对象单位不存在。")
    if data.role is not None and data.role not in ROLES:
        raise TrainingError("未知的角色。")
    if actor.role == "bureau_admin" and data.bureau_id != actor.bureau_id:
        raise Forbidden("县级管理员只能给本单位分配学习任务。")
    plan = StudyPlan(module_id=module.id, role=data.role or None, bureau_id=data.bureau_id,
                     due_on=data.due_on, created_by=actor.id)
    db.session.add(plan)
    db.session.flush()
    audit.write("training.plan_create", "training_study_plan", plan.id, actor_id=actor.id,
                bureau_id=data.bureau_id, new={"module": module.title, "due": str(data.due_on),
                                               "role": data.role})
    return plan


def plans_visible_to(user) -> list[StudyPlan]:
    stmt = select(StudyPlan).order_by(StudyPlan.due_on.desc(), StudyPlan.id.desc())
    if user.role != "city_admin":
        stmt = stmt.where(or_(StudyPlan.bureau_id.is_(None), StudyPlan.bureau_id == user.bureau_id))
    return list(db.session.scalars(stmt))


def today() -> date:
    return to_local(utcnow()).date()


def due_items(user, on: date | None = None) -> list[tuple[StudyPlan, bool]]:
    """The user's unfinished planned modules as (plan, is_overdue), soonest first."""
    on = on or today()
    done = set(db.session.scalars(select(ModuleCompletion.module_id).where(
        ModuleCompletion.user_id == user.id)))
    items, seen = [], set()
    for plan in plans_applying(user):
        if plan.module_id in done or plan.module_id in seen or not plan.module.is_published:
            continue
        seen.add(plan.module_id)
        items.append((plan, plan.due_on < on))
    return items


def overdue_list(actor, on: date | None = None) -> list[tuple[User, StudyPlan]]:
    """People (in the actor's scope) with a planned module past due and not completed."""
    on = on or today()
    plans = [p for p in plans_visible_to(actor) if p.due_on < on]
    if not plans:
        return []
    users = _scoped_users(actor, None)
    done = _completed_pairs([u.id for u in users])
    return [(u, p) for p in plans for u in users if p.applies_to(u) and (u.id, p.module_id) not in done]


def _scoped_users(actor, bureau_id: int | None) -> list[User]:
    stmt = select(User).where(User.is_active_.is_(True), User.role == "officer").order_by(User.bureau_id, User.id)
    if actor.role != "city_admin":
        stmt = stmt.where(User.bureau_id == actor.bureau_id)
    elif bureau_id is not None:
        stmt = stmt.where(User.bureau_id == bureau_id)
    return list(db.session.scalars(stmt))


def _completed_pairs(user_ids: list[int]) -> set[tuple[int, int]]:
    rows = db.session.execute(select(ModuleCompletion.user_id, ModuleCompletion.module_id).where(
        ModuleCompletion.user_id.in_(user_ids)))
    return {(u, m) for u, m in rows}


# --- the bureau study dashboard ----------------------------------------------

@dataclass
class OfficerRow:
    user: User
    completed: int = 0
    lessons_done: int = 0
    seconds: int = 0
    lectures: int = 0
    lecture_minutes: int = 0
    overdue: int = 0
    started: bool = False

    @property
    def hours(self) -> float:
        return round((self.seconds + self.lecture_minutes * 60) / 3600, 2)


@dataclass
class BureauRow:
    bureau: Bureau
    officers: int = 0
    completed: int = 0
    hours: float = 0.0
    lectures: int = 0
    overdue: int = 0
    not_started: int = 0


def officer_rows(actor, bureau_id: int | None = None, on: date | None = None) -> list[OfficerRow]:
    """One row per officer in scope: modules completed, hours, lectures, overdue, started."""
    users = _scoped_users(actor, bureau_id)
    rows = {u.id: OfficerRow(user=u) for u in users}
    bureau_ids = {u.bureau_id for u in users}
    _add_study(rows, bureau_ids)
    _add_lectures(rows, bureau_ids)
    _add_completions_and_overdue(rows, bureau_ids, on or today())
    return list(rows.values())


def _officers_in(bureau_ids):
    return select(User.id).where(User.role == "officer", User.bureau_id.in_(bureau_ids))


def _add_study(rows: dict, bureau_ids: set) -> None:
    stmt = (select(StudyRecord.user_id, func.sum(StudyRecord.seconds), func.count(StudyRecord.done_at),
                   func.count(StudyRecord.id))
            .where(StudyRecord.user_id.in_(_officers_in(bureau_ids))).group_by(StudyRecord.user_id))
    for user_id, seconds, done, count in db.session.execute(stmt):
        if user_id in rows:
            row = rows[user_id]
            row.seconds, row.lessons_done, row.started = int(seconds or 0), done, row.started or count > 0


def _add_lectures(rows: dict, bureau_ids: set) -> None:
    stmt = (select(Attendance.user_id, func.count(Attendance.id), func.sum(Attendance.minutes))
            .where(Attendance.user_id.in_(_officers_in(bureau_ids))).group_by(Attendance.user_id))
    for user_id, count, minutes in db.session.execute(stmt):
        if user_id in rows:
            row = rows[user_id]
            row.lectures, row.lecture_minutes, row.started = count, int(minutes or 0), True


def _add_completions_and_overdue(rows: dict, bureau_ids: set, on: date) -> None:
    stmt = select(ModuleCompletion.user_id, ModuleCompletion.module_id).where(
        ModuleCompletion.user_id.in_(_officers_in(bureau_ids)))
    done = {(u, m) for u, m in db.session.execute(stmt)}
    for user_id, _ in done:
        if user_id in rows:
            rows[user_id].completed += 1
    late = list(db.session.scalars(select(StudyPlan).where(StudyPlan.due_on < on)))
    for row in rows.values():
        row.overdue = len({p.module_id for p in late if p.applies_to(row.user)
                           and (row.user.id, p.module_id) not in done})


def bureau_rows(actor, on: date | None = None) -> list[BureauRow]:
    """Per bureau totals for the actor's scope (the city admin sees every bureau side by side)."""
    return summarize(officer_rows(actor, None, on))


def summarize(rows: list[OfficerRow]) -> list[BureauRow]:
    """Per bureau totals of officer rows."""
    by_bureau: dict[int, BureauRow] = {}
    for row in rows:
        b = by_bureau.setdefault(row.user.bureau_id, BureauRow(bureau=row.user.bureau))
        b.officers += 1
        b.completed += row.completed
        b.hours = round(b.hours + row.hours, 2)
        b.lectures += row.lectures
        b.overdue += row.overdue
        b.not_started += 0 if row.started else 1
    return sorted(by_bureau.values(), key=lambda b: b.bureau.code)


def lecture_minutes(user_id: int) -> tuple[int, int]:
    """Sessions attended and minutes counted for one person."""
    count, minutes = db.session.execute(select(func.count(Attendance.id), func.sum(Attendance.minutes))
                                        .where(Attendance.user_id == user_id)).one()
    return count, int(minutes or 0)


def article_by_key(key: str) -> Article | None:
    return db.session.scalar(select(Article).where(Article.key == key))


def delete_plan(actor, plan: StudyPlan) -> None:
    if actor.role == "bureau_admin" and plan.bureau_id != actor.bureau_id:
        raise Forbidden("只能删除本单位的学习任务。")
    audit.write("training.plan_delete", "training_study_plan", plan.id, actor_id=actor.id,
                bureau_id=plan.bureau_id, old={"module_id": plan.module_id, "due": str(plan.due_on)})
    db.session.execute(delete(StudyPlan).where(StudyPlan.id == plan.id))
