"""Quizzes, their slots, attempts with stored papers, practice records and the wrong-answer book."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lianbing.host import UTCDateTime, db, utcnow

MODES = {"practice": "练习", "exam": "考试", "competition": "竞赛"}
REVIEWS = {
    "nothing": "关闭前不显示任何内容",
    "score": "只显示得分",
    "answers": "得分和正确答案",
    "explanations": "得分、正确答案和解析",
}
#: what an officer may see of a submitted attempt, per moment (as Moodle's review options)
REVIEW_PARTS = {
    "score": "得分",
    "responses": "自己的答案",
    "marks": "对错标记",
    "keys": "正确答案",
    "explanations": "解析",
}
#: defaults: competitions and exams show the score only until close; practice shows everything
REVIEW_DEFAULTS = {
    "practice": ("score,responses,marks,keys,explanations",) * 2,
    "exam": ("score", "score,responses,marks,keys,explanations"),
    "competition": ("score", "score,responses,marks,keys,explanations"),
}
AUDIENCES = {"all": "所有人", "bureaus": "指定单位", "users": "指定人员"}
GRADINGS = {"best": "最高分", "last": "最后一次"}


class Quiz(db.Model):
    """A quiz, exam or knowledge competition built from bank questions."""

    __tablename__ = "quiz_quizzes"
    __table_args__ = (
        CheckConstraint("mode IN ('practice', 'exam', 'competition')", name="mode"),
        CheckConstraint("grading IN ('best', 'last')", name="grading"),
        CheckConstraint("review IN ('nothing', 'score', 'answers', 'explanations')", name="review"),
        CheckConstraint("audience IN ('all', 'bureaus', 'users')", name="audience"),
        CheckConstraint("attempts_allowed >= 0", name="attempts_allowed"),
        CheckConstraint("time_limit_minutes IS NULL OR time_limit_minutes > 0", name="time_limit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    mode: Mapped[str] = mapped_column(String(20), default="exam")
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    time_limit_minutes: Mapped[int | None] = mapped_column(Integer)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: 0 = unlimited
    attempts_allowed: Mapped[int] = mapped_column(Integer, default=1)
    #: which submitted attempt counts: best or last
    grading: Mapped[str] = mapped_column(String(10), default="best")
    shuffle_questions: Mapped[bool] = mapped_column(Boolean, default=False)
    shuffle_options: Mapped[bool] = mapped_column(Boolean, default=False)
    #: multiple choice earns partial credit (sum of chosen weights) instead of all-or-nothing
    partial_credit: Mapped[bool] = mapped_column(Boolean, default=True)
    #: what an officer sees after submitting (all of it once the quiz closes, unless 'nothing')
    review: Mapped[str] = mapped_column(String(20), default="explanations")
    #: review options (REVIEW_PARTS keys joined by ",") right after the attempt, and after close
    review_after: Mapped[str] = mapped_column(String(100), default="score", server_default="score")
    review_closed: Mapped[str] = mapped_column(
        String(100),
        default="score,responses,marks,keys,explanations",
        server_default="score,responses,marks,keys,explanations",
    )
    audience: Mapped[str] = mapped_column(String(10), default="all")
    #: bureau ids or user ids, depending on ``audience``
    audience_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    #: reports to the campaign ledger (kind 'competition' for competitions, else 'quiz')
    counts: Mapped[bool] = mapped_column(Boolean, default=True)
    #: competitions: each officer gets the full time from their own start (large halls)
    staggered_start: Mapped[bool] = mapped_column(Boolean, default=False)
    is_published: Mapped[bool] = mapped_column(Boolean, default=False)
    #: bumped on every submission or grade; the cached leaderboard is keyed by it
    board_version: Mapped[int] = mapped_column(Integer, default=0)
    #: the leaderboard as it stood at close, written once
    frozen_board: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the county bureau that runs it, for its own officers only; None = a city-wide activity
    owner_bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    slots: Mapped[list["QuizSlot"]] = relationship(
        back_populates="quiz", order_by="QuizSlot.position", cascade="all, delete-orphan"
    )

    @property
    def kind(self) -> str:
        return "competition" if self.mode == "competition" else "quiz"

    @property
    def max_points(self) -> float:
        return sum(s.points * s.count for s in self.slots)

    def __repr__(self) -> str:
        return f"<Quiz {self.id} {self.mode} {self.title}>"


class QuizSlot(db.Model):
    """One line of a quiz's content: a fixed question, or N random questions from a category."""

    __tablename__ = "quiz_slots"
    __table_args__ = (
        UniqueConstraint("quiz_id", "position", name="uq_quiz_slots_quiz_position"),
        CheckConstraint("points > 0", name="points_positive"),
        CheckConstraint("count >= 1", name="count_positive"),
        CheckConstraint("question_id IS NOT NULL OR category_id IS NOT NULL", name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz_quizzes.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    #: a fixed question (count is 1) ...
    question_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_questions.id"))
    #: ... or a random draw of ``count`` questions of ``qtype`` from this category (and below)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_categories.id"))
    qtype: Mapped[str | None] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(Integer, default=1)
    min_difficulty: Mapped[int] = mapped_column(Integer, default=1)
    max_difficulty: Mapped[int] = mapped_column(Integer, default=5)
    #: points for each question of this slot
    points: Mapped[float] = mapped_column(Float, default=1.0)

    quiz: Mapped[Quiz] = relationship(back_populates="slots")

    @property
    def is_random(self) -> bool:
        return self.question_id is None

    def __repr__(self) -> str:
        return (
            f"<QuizSlot {self.quiz_id}#{self.position} {'random' if self.is_random else 'fixed'}>"
        )


class Attempt(db.Model):
    """One officer's sitting of a quiz; the paper is drawn at start, stored in AttemptItem rows."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("quiz_id", "user_id", "number", name="uq_quiz_attempts_quiz_user_number"),
        CheckConstraint("status IN ('open', 'submitted')", name="status"),
        CheckConstraint("score >= 0 AND score <= max_score + 0.000001", name="score_range"),
        #: at most one open attempt per officer and quiz, whatever two tabs or workers do
        Index(
            "uq_quiz_attempts_one_open",
            "quiz_id",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_quiz_attempts_quiz_status", "quiz_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz_quizzes.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: the officer's bureau at start (for bureau standings)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"))
    number: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(10), default="open")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: server-owned deadline; None = no time limit and no close time
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: True when the server submitted it at expiry
    is_auto_submitted: Mapped[bool] = mapped_column(Boolean, default=False)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    max_score: Mapped[float] = mapped_column(Float, default=0.0)
    #: essay answers still waiting for a trainer
    pending: Mapped[int] = mapped_column(Integer, default=0)
    #: seconds from start to submission (tie-break on leaderboards)
    seconds_used: Mapped[float | None] = mapped_column(Float)
    #: the paper's marks packed for item analysis (marking.pack_marks), rewritten with every
    #: total; None for attempts marked before it existed (analysis reads their items instead)
    item_marks: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    quiz: Mapped[Quiz] = relationship()
    items: Mapped[list["AttemptItem"]] = relationship(
        back_populates="attempt", order_by="AttemptItem.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Attempt {self.id} quiz={self.quiz_id} user={self.user_id} {self.status}>"


class AttemptItem(db.Model):
    """One question on an attempt's paper, with the officer's answer and its mark."""

    __tablename__ = "quiz_attempt_items"
    __table_args__ = (
        UniqueConstraint("attempt_id", "position", name="uq_quiz_attempt_items_attempt_position"),
        UniqueConstraint(
            "attempt_id", "question_id", name="uq_quiz_attempt_items_attempt_question"
        ),
        CheckConstraint(
            "score IS NULL OR (score >= 0 AND score <= points + 0.000001)", name="score_range"
        ),
        Index("ix_quiz_attempt_items_question", "question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id"))
    #: order shown to the officer (after shuffling)
    position: Mapped[int] = mapped_column(Integer)
    #: order in the unshuffled paper (slot order): item analysis compares like with like
    slot_no: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[int] = mapped_column(ForeignKey("quiz_questions.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("quiz_question_versions.id"))
    points: Mapped[float] = mapped_column(Float)
    #: display order of options as stored indexes (choice questions), e.g. [2, 0, 3, 1]
    option_order: Mapped[list[int] | None] = mapped_column(JSON(none_as_null=True))
    #: the answer in the type's response shape, using stored (unshuffled) option indexes
    response: Mapped[Any | None] = mapped_column(JSON(none_as_null=True))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the chosen options as bits (bit i = option i; true/false: bit 8 = 正确, bit 9 = 错误),
    #: so that item analysis counts option frequencies with numpy without reading JSON
    #: (marking.option_mask)
    option_mask: Mapped[int] = mapped_column(Integer, default=0)
    #: None until marked (essays until a trainer grades them)
    score: Mapped[float | None] = mapped_column(Float)
    feedback: Mapped[str] = mapped_column(Text, default="")
    graded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attempt: Mapped[Attempt] = relationship(back_populates="items")

    def __repr__(self) -> str:
        return f"<AttemptItem a{self.attempt_id}#{self.position} q{self.question_id}>"


class PracticeAnswer(db.Model):
    """One answer given in practice (sequential, random, daily or wrong-answer book)."""

    __tablename__ = "quiz_practice_answers"
    __table_args__ = (Index("ix_quiz_practice_answers_user_question", "user_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("quiz_questions.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("quiz_question_versions.id"))
    response: Mapped[Any | None] = mapped_column(JSON(none_as_null=True))
    is_correct: Mapped[bool] = mapped_column(Boolean)
    #: sequential, random, daily or wrongbook
    source: Mapped[str] = mapped_column(String(20))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<PracticeAnswer u{self.user_id} q{self.question_id} {self.is_correct}>"


class WrongBookEntry(db.Model):
    """错题本: a question an officer got wrong, asked again until answered right twice in a row."""

    __tablename__ = "quiz_wrong_book"
    __table_args__ = (
        UniqueConstraint("user_id", "question_id", name="uq_quiz_wrong_book_user_question"),
        CheckConstraint("right_streak >= 0", name="right_streak"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("quiz_questions.id"))
    wrong_count: Mapped[int] = mapped_column(Integer, default=1)
    #: right answers in a row since the last wrong one; cleared at 2
    right_streak: Mapped[int] = mapped_column(Integer, default=0)
    is_cleared: Mapped[bool] = mapped_column(Boolean, default=False)
    last_wrong_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<WrongBookEntry u{self.user_id} q{self.question_id} streak={self.right_streak}>"
