"""Models of the training part: law library, modules and lessons, checks, study records,
lectures and study plans."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (DDL, JSON, CheckConstraint, ForeignKey, Index, String, Text,
                        UniqueConstraint, event)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lianbing.dbtypes import UTCDateTime, utcnow
from lianbing.extensions import db

#: the SQLite full-text index over article texts; trigram tokens, since Chinese has no spaces
FTS_TABLE = "training_article_fts"
FTS_CREATE = (f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
              "body, article_id UNINDEXED, tokenize='trigram')")
FTS_DROP = f"DROP TABLE IF EXISTS {FTS_TABLE}"


class Law(db.Model):
    """A law or regulation in the library."""

    __tablename__ = "training_laws"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: short stable code, e.g. "EPL2014"; the first half of every article key
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(200), default="")
    effective_on: Mapped[date | None]

    articles: Mapped[list["Article"]] = relationship(
        back_populates="law", order_by="Article.number", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Law {self.code}>"


class Article(db.Model):
    """One article of a law; other parts cite it by ``key`` (e.g. "EPL2014:24")."""

    __tablename__ = "training_articles"
    __table_args__ = (
        UniqueConstraint("law_id", "number", name="uq_training_articles_law_number"),
        CheckConstraint("number > 0", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    law_id: Mapped[int] = mapped_column(ForeignKey("training_laws.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    #: "<law code>:<number>", stable, stored as a plain string by other parts
    key: Mapped[str] = mapped_column(String(40), unique=True)
    body: Mapped[str] = mapped_column(Text)

    law: Mapped[Law] = relationship(back_populates="articles")

    @property
    def label(self) -> str:
        return f"《{self.law.name}》第{self.number}条"

    def __repr__(self) -> str:
        return f"<Article {self.key}>"


event.listen(Article.__table__, "after_create", DDL(FTS_CREATE).execute_if(dialect="sqlite"))
event.listen(Article.__table__, "before_drop", DDL(FTS_DROP).execute_if(dialect="sqlite"))


class Module(db.Model):
    """A law-study module: an ordered list of lessons and an optional check."""

    __tablename__ = "training_modules"
    __table_args__ = (CheckConstraint("pass_mark >= 0 AND pass_mark <= 100", name="pass_mark"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    #: law codes covered, comma separated (e.g. "EPL2014,APL2021")
    law_codes: Mapped[str] = mapped_column(String(200), default="")
    #: roles the module is meant for, comma separated
    target_roles: Mapped[str] = mapped_column(String(100), default="officer")
    is_required: Mapped[bool] = mapped_column(default=True)
    is_published: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    #: percentage of the check's points needed to pass
    pass_mark: Mapped[int] = mapped_column(default=60)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="module", order_by="Lesson.position, Lesson.id", cascade="all, delete-orphan")
    questions: Mapped[list["CheckQuestion"]] = relationship(
        back_populates="module", order_by="CheckQuestion.position, CheckQuestion.id",
        cascade="all, delete-orphan")

    @property
    def roles(self) -> set[str]:
        return {r for r in self.target_roles.split(",") if r}

    def __repr__(self) -> str:
        return f"<Module {self.id} {self.title}>"


class Lesson(db.Model):
    """A lesson: Markdown body, cited articles written inline as [[EPL2014:24]]."""

    __tablename__ = "training_lessons"
    __table_args__ = (CheckConstraint("minutes > 0 AND minutes <= 600", name="minutes"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_modules.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    #: estimated reading minutes; study time counted on the lesson is capped from it
    minutes: Mapped[int] = mapped_column(default=10)
    is_required: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    module: Mapped[Module] = relationship(back_populates="lessons")
    attachments: Mapped[list["LessonAttachment"]] = relationship(
        back_populates="lesson", cascade="all, delete-orphan", order_by="LessonAttachment.id")

    def __repr__(self) -> str:
        return f"<Lesson {self.id} {self.title}>"


class LessonAttachment(db.Model):
    __tablename__ = "training_lesson_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("training_lessons.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))

    lesson: Mapped[Lesson] = relationship(back_populates="attachments")
    file = relationship("StoredFile")

    def __repr__(self) -> str:
        return f"<LessonAttachment {self.id} lesson={self.lesson_id}>"


class CheckQuestion(db.Model):
    """A question of a module's end-of-module check (owned by training)."""

    __tablename__ = "training_check_questions"
    __table_args__ = (
        CheckConstraint("kind IN ('single', 'multiple', 'truefalse')", name="kind"),
        CheckConstraint("points > 0", name="points_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_modules.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    prompt: Mapped[str] = mapped_column(Text)
    #: list of option texts
    options: Mapped[list] = mapped_column(JSON)
    #: sorted list of correct option indexes; never sent before submission
    answer: Mapped[list] = mapped_column(JSON)
    points: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=0)

    module: Mapped[Module] = relationship(back_populates="questions")

    def __repr__(self) -> str:
        return f"<CheckQuestion {self.id} {self.kind}>"


class CheckAttempt(db.Model):
    """One attempt at a module check; submitted once, never again."""

    __tablename__ = "training_check_attempts"
    __table_args__ = (
        UniqueConstraint("module_id", "user_id", "number", name="uq_training_check_attempts_number"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 1)", name="score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_modules.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: fraction of points earned (0..1)
    score: Mapped[float | None]
    is_passed: Mapped[bool] = mapped_column(default=False)
    responses: Mapped[dict] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return f"<CheckAttempt {self.id} module={self.module_id} user={self.user_id}>"


class StudyRecord(db.Model):
    """An officer's time and progress on one lesson, counted from server-side heartbeats."""

    __tablename__ = "training_study_records"
    __table_args__ = (
        UniqueConstraint("user_id", "lesson_id", name="uq_training_study_records_user_lesson"),
        CheckConstraint("seconds >= 0", name="seconds"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("training_lessons.id", ondelete="CASCADE"), index=True)
    seconds: Mapped[int] = mapped_column(default=0)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: previous visible heartbeat; None after the page was hidden (time then is not counted)
    last_beat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<StudyRecord user={self.user_id} lesson={self.lesson_id} {self.seconds}s>"


class ModuleCompletion(db.Model):
    __tablename__ = "training_module_completions"
    __table_args__ = (UniqueConstraint("user_id", "module_id", name="uq_training_module_completions_user_module"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_modules.id", ondelete="CASCADE"), index=True)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the check score (0..1), None for a module without a check
    score: Mapped[float | None]

    def __repr__(self) -> str:
        return f"<ModuleCompletion user={self.user_id} module={self.module_id}>"


class Lecture(db.Model):
    """A lecture or training held in a hall; officers sign in with a short code."""

    __tablename__ = "training_lectures"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="times"),
        CheckConstraint("kind IN ('lecture', 'special', 'case')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10), default="lecture")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200), default="")
    speaker: Mapped[str] = mapped_column(String(100), default="")
    #: the organizing bureau; a city-level bureau's lecture is open to every bureau
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"), index=True)
    #: roles invited, comma separated
    audience: Mapped[str] = mapped_column(String(100), default="officer")
    #: the sign-in code shown in the hall
    code: Mapped[str] = mapped_column(String(8), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    bureau = relationship("Bureau")
    attendances: Mapped[list["Attendance"]] = relationship(
        back_populates="lecture", cascade="all, delete-orphan", order_by="Attendance.signed_at")

    @property
    def roles(self) -> set[str]:
        return {r for r in self.audience.split(",") if r}

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def __repr__(self) -> str:
        return f"<Lecture {self.id} {self.title}>"


class Attendance(db.Model):
    __tablename__ = "training_attendances"
    __table_args__ = (
        UniqueConstraint("lecture_id", "user_id", name="uq_training_attendances_lecture_user"),
        CheckConstraint("minutes >= 0", name="minutes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lecture_id: Mapped[int] = mapped_column(ForeignKey("training_lectures.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: minutes attended (sign-in to end of session), counted as study time
    minutes: Mapped[int] = mapped_column(default=0)

    lecture: Mapped[Lecture] = relationship(back_populates="attendances")
    user = relationship("User")

    def __repr__(self) -> str:
        return f"<Attendance lecture={self.lecture_id} user={self.user_id}>"


class StudyPlan(db.Model):
    """A module assigned to a role and/or bureau with a due date (None = all)."""

    __tablename__ = "training_study_plans"
    __table_args__ = (Index("ix_training_study_plans_due", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_modules.id", ondelete="CASCADE"), index=True)
    #: role assigned, None for every role
    role: Mapped[str | None] = mapped_column(String(20))
    #: bureau assigned, None for every bureau (city admins only)
    bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"))
    due_on: Mapped[date]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    module: Mapped[Module] = relationship()
    bureau = relationship("Bureau")

    def applies_to(self, user) -> bool:
        return (self.role in (None, user.role)) and (self.bureau_id in (None, user.bureau_id))

    def __repr__(self) -> str:
        return f"<StudyPlan module={self.module_id} due={self.due_on}>"
