"""Law-study modules: authoring, who may study what, completion and progress.

Services take plain data, raise the host's refusals (``Invalid``, ``Forbidden`` …) and flush,
never commit. Studying a lesson is in ``study.py``, the end-of-module check in ``checks.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from lianbing.host import (
    Forbidden,
    Invalid,
    ScoreNotCounted,
    active_campaign,
    db,
    log_event,
    record_score,
    signals,
    store_file,
    utcnow,
    write_audit,
)
from training.laws.services import articles_by_keys, cited_keys
from training.modules.models import (
    CheckAttempt,
    CheckQuestion,
    Lesson,
    LessonAttachment,
    Module,
    ModuleCompletion,
    StudyRecord,
)
from training.plans.services import plans_applying
from training.rows import insert_once

ATTACHMENT_TYPES = {".pdf", ".doc", ".docx", ".png", ".jpg", ".jpeg", ".gif"}
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
QUESTION_KINDS = {"single": "单选题", "multiple": "多选题", "truefalse": "判断题"}


# --- authoring -----------------------------------------------------------------


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
    #: questions drawn per check attempt (0 = all), attempts allowed (0 = unlimited), cool-down
    check_size: int = 0
    check_attempts: int = 3
    check_cooldown_minutes: int = 0


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
        raise Invalid("请填写模块标题。")
    if not 0 <= data.pass_mark <= 100:
        raise Invalid("及格线须在 0 到 100 之间。")
    if not data.target_roles:
        raise Invalid("请至少选择一个面向的角色。")
    if min(data.check_size, data.check_attempts, data.check_cooldown_minutes) < 0:
        raise Invalid("抽题数、测验次数和间隔时间不能为负数。")


def save_module(
    data: ModuleData, module: Module | None = None, *, actor_id: int | None = None
) -> Module:
    """Create or update a module."""
    _check_module(data)
    module = module or Module()
    module.title, module.summary = data.title.strip(), data.summary
    module.law_codes = ",".join(c.strip() for c in data.law_codes.split(",") if c.strip())
    module.target_roles = ",".join(data.target_roles)
    module.is_required, module.is_published = data.is_required, data.is_published
    module.position, module.pass_mark = data.position, data.pass_mark
    module.check_size, module.check_attempts = data.check_size, data.check_attempts
    module.check_cooldown_minutes = data.check_cooldown_minutes
    db.session.add(module)
    db.session.flush()
    write_audit(
        "training.module_save",
        "training_module",
        module.id,
        actor_id=actor_id,
        new={"title": module.title, "published": module.is_published},
    )
    return module


def save_lesson(module: Module, data: LessonData, lesson: Lesson | None = None) -> Lesson:
    """Create or update a lesson; every cited article must be in the library."""
    if not data.title.strip():
        raise Invalid("请填写课程标题。")
    if not 1 <= data.minutes <= 600:
        raise Invalid("预计学习时长须在 1 到 600 分钟之间。")
    missing = set(cited_keys(data.body)) - set(articles_by_keys(cited_keys(data.body)))
    if missing:
        raise Invalid(f"引用的条文不在法规库中：{'、'.join(sorted(missing))}")
    lesson = lesson or Lesson(module_id=module.id)
    lesson.title, lesson.body, lesson.minutes = data.title.strip(), data.body, data.minutes
    lesson.is_required, lesson.position = data.is_required, data.position
    db.session.add(lesson)
    db.session.flush()
    return lesson


def add_attachment(lesson: Lesson, upload, *, user_id: int | None) -> LessonAttachment:
    """Keep an uploaded PDF, Word file or image with a lesson (raises the host's UploadError)."""
    stored = store_file(
        upload,
        owner_kind="training.lesson",
        allowed=ATTACHMENT_TYPES,
        max_bytes=ATTACHMENT_MAX_BYTES,
        user_id=user_id,
    )
    attachment = LessonAttachment(lesson_id=lesson.id, file_id=stored.id)
    db.session.add(attachment)
    db.session.flush()
    return attachment


def _check_question(data: QuestionData) -> None:
    if data.kind not in QUESTION_KINDS:
        raise Invalid("未知的题型。")
    if not data.prompt.strip():
        raise Invalid("请填写题干。")
    options = [o for o in data.options if o.strip()]
    if len(options) != len(data.options) or len(options) < 2:
        raise Invalid("至少需要两个非空选项。")
    if not data.answer or any(i < 0 or i >= len(options) for i in data.answer):
        raise Invalid("正确答案必须是已有的选项。")
    if data.kind != "multiple" and len(data.answer) != 1:
        raise Invalid("单选题和判断题只能有一个正确答案。")
    if data.points <= 0:
        raise Invalid("分值须大于 0。")


def add_question(module: Module, data: QuestionData) -> CheckQuestion:
    """Add a question to a module's check."""
    options = ("正确", "错误") if data.kind == "truefalse" else data.options
    data = QuestionData(
        data.kind, data.prompt, tuple(options), tuple(sorted(set(data.answer))), data.points
    )
    _check_question(data)
    question = CheckQuestion(
        module_id=module.id,
        kind=data.kind,
        prompt=data.prompt.strip(),
        options=list(data.options),
        answer=list(data.answer),
        points=data.points,
        position=len(module.questions),
    )
    db.session.add(question)
    db.session.flush()
    return question


# --- who may study what ------------------------------------------------------------


def all_modules() -> list[Module]:
    """Every module, in the authors' order."""
    return list(db.session.scalars(select(Module).order_by(Module.position, Module.id)))


def visible_modules(user) -> list[Module]:
    """Published modules meant for the user's role or assigned to them by a plan."""
    planned = {p.module_id for p in plans_applying(user)}
    return [
        m for m in all_modules() if m.is_published and (user.role in m.roles or m.id in planned)
    ]


def can_study(user, module: Module) -> bool:
    """A published module meant for the user's role, or assigned to them by a study plan."""
    return module.is_published and (
        user.role in module.roles or any(p.module_id == module.id for p in plans_applying(user))
    )


def require_study(user, module: Module) -> None:
    """Refuse (403) a module the user may not study."""
    if not can_study(user, module):
        raise Forbidden("这个学习模块没有分配给你，或尚未发布。")


# --- completion ----------------------------------------------------------------------


def completion(user_id: int, module_id: int) -> ModuleCompletion | None:
    """The user's completion of a module, or None."""
    return db.session.scalar(
        select(ModuleCompletion).where(
            ModuleCompletion.user_id == user_id, ModuleCompletion.module_id == module_id
        )
    )


def passed_attempt(user_id: int, module_id: int) -> CheckAttempt | None:
    """The user's passed attempt at a module's check, or None."""
    return db.session.scalar(
        select(CheckAttempt).where(
            CheckAttempt.user_id == user_id,
            CheckAttempt.module_id == module_id,
            CheckAttempt.is_passed.is_(True),
        )
    )


def _required_done(user_id: int, module: Module) -> bool:
    required = {lesson.id for lesson in module.lessons if lesson.is_required}
    done = set(
        db.session.scalars(
            select(StudyRecord.lesson_id).where(
                StudyRecord.user_id == user_id, StudyRecord.done_at.is_not(None)
            )
        )
    )
    return required <= done


def maybe_complete(user, module: Module, now: datetime | None = None) -> ModuleCompletion | None:
    """Complete the module once its required lessons are done and its check is passed."""
    if completion(user.id, module.id) or not _required_done(user.id, module):
        return None
    attempt = passed_attempt(user.id, module.id)
    if module.questions and attempt is None:
        return None
    score = attempt.score if attempt else None
    done = ModuleCompletion(
        user_id=user.id, module_id=module.id, completed_at=now or utcnow(), score=score
    )
    if not insert_once(done):
        return None
    done.not_counted = _record_module_score(user, module, done)
    log_event(
        "training",
        "module %s completed by user %s (check score %s)",
        module.id,
        user.id,
        score,
        actor_id=user.id,
        target=f"training_module:{module.id}",
    )
    return done


def _record_module_score(user, module: Module, done: ModuleCompletion) -> str | None:
    """Send the completion to the ledger; returns why it does not count (the completion stays)."""
    campaign = active_campaign()
    refused = None
    if campaign is not None:
        try:
            _module_ledger(user, module, done, campaign.id)
        except ScoreNotCounted as refusal:
            refused = refusal.message
    signals.module_completed.send(
        "training",
        user_id=user.id,
        module_id=module.id,
        campaign_id=campaign.id if campaign else None,
        score=done.score,
    )
    return refused


def _module_ledger(user, module: Module, done: ModuleCompletion, campaign_id: int) -> None:
    points = round(100 * done.score, 1) if done.score is not None else 100.0
    record_score(
        user.id,
        campaign_id,
        "study",
        f"module:{module.id}",
        points,
        100.0,
        done.completed_at,
        {"module_id": module.id, "check_score": done.score},
        title=f"学习模块：{module.title}",
        actor_id=user.id,
    )


# --- progress --------------------------------------------------------------------------


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
    records = {
        r.lesson_id: r
        for r in db.session.scalars(select(StudyRecord).where(StudyRecord.user_id == user.id))
    }
    completed = set(
        db.session.scalars(
            select(ModuleCompletion.module_id).where(ModuleCompletion.user_id == user.id)
        )
    )
    passed = set(
        db.session.scalars(
            select(CheckAttempt.module_id).where(
                CheckAttempt.user_id == user.id, CheckAttempt.is_passed.is_(True)
            )
        )
    )
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
