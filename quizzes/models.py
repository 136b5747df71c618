"""Question bank: banks, nestable categories, questions and their frozen versions.

A question's type-specific data (options, key, blanks, pairs …) lives in one JSON column,
``content``, whose shape is documented per type in ``quizzes/qtypes.py``. Attempts (issue 4)
must reference a ``QuestionVersion`` row, never the live ``Question``: editing a question whose
current version is frozen (answered) creates a new version and leaves the old one intact.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lianbing.host import UTCDateTime, db, utcnow

#: who sees a bank's questions: authors only, practice and daily sets too, or only quizzes
VISIBILITIES = {
    "draft": "草稿（仅编写者）",
    "practice": "练习（练习和每日一练可用）",
    "exam": "仅考试",
}


class Bank(db.Model):
    """A named collection of questions (题库)."""

    __tablename__ = "quiz_banks"
    __table_args__ = (
        # names are unique per owner: among the city's banks, and within each county's own
        Index(
            "uq_quiz_banks_city_name",
            "name",
            unique=True,
            sqlite_where=text("owner_bureau_id IS NULL"),
            postgresql_where=text("owner_bureau_id IS NULL"),
        ),
        UniqueConstraint("owner_bureau_id", "name", name="uq_quiz_banks_owner_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    #: a key of VISIBILITIES; only "practice" banks feed practice, daily sets and 错题本
    visibility: Mapped[str] = mapped_column(
        String(10), default="practice", server_default="practice"
    )
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the county bureau whose authors keep it; None = a city bank (read-only to counties)
    owner_bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    categories: Mapped[list["Category"]] = relationship(
        back_populates="bank", order_by="Category.path", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Bank {self.id} {self.name}>"


class Category(db.Model):
    """A category of a bank; categories nest through ``parent_id``."""

    __tablename__ = "quiz_categories"
    __table_args__ = (UniqueConstraint("bank_id", "path", name="uq_quiz_categories_bank_path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("quiz_banks.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_categories.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    #: full path from the bank's root, names joined by "/" (e.g. "法律/大气污染防治法")
    path: Mapped[str] = mapped_column(String(500))

    bank: Mapped[Bank] = relationship(back_populates="categories")
    parent: Mapped["Category | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Category"]] = relationship(
        back_populates="parent", order_by="Category.name"
    )

    @property
    def depth(self) -> int:
        return self.path.count("/")

    def __repr__(self) -> str:
        return f"<Category {self.id} {self.path}>"


class Question(db.Model):
    """The live, editable state of a question (its latest version)."""

    __tablename__ = "quiz_questions"
    __table_args__ = (
        UniqueConstraint("bank_id", "code", name="uq_quiz_questions_bank_code"),
        CheckConstraint("difficulty BETWEEN 1 AND 5", name="difficulty_range"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_quiz_questions_bank_type", "bank_id", "qtype"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("quiz_banks.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_categories.id"), index=True)
    #: short identifier unique in the bank (imported IDs, or generated "Q00001")
    code: Mapped[str] = mapped_column(String(60))
    #: key of a type in quizzes.qtypes.QUESTION_TYPES: single, multiple, truefalse, fill,
    #: numerical, matching, essay
    qtype: Mapped[str] = mapped_column(String(20))
    #: Markdown; rendered and sanitized with lianbing.markup.render_markdown
    stem: Mapped[str] = mapped_column(Text)
    #: type-specific options and key; shape documented in quizzes/qtypes.py. Never send to
    #: the browser before submission: use qtypes.get(qtype).public_view(content)
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: 解析 (Markdown), shown after submission
    explanation: Mapped[str] = mapped_column(Text, default="")
    #: 法规依据: law and article, e.g. "《中华人民共和国环境保护法》第五十九条"
    legal_basis: Mapped[str] = mapped_column(String(300), default="")
    difficulty: Mapped[int] = mapped_column(Integer, default=3)
    #: tags joined and wrapped in commas (",大气,按日计罚,") so LIKE '%,tag,%' finds one;
    #: use ``tag_list`` to read them
    tags: Mapped[str] = mapped_column(String(500), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: number of the current QuestionVersion (the latest one)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    bank: Mapped[Bank] = relationship()
    category: Mapped[Category | None] = relationship()
    versions: Mapped[list["QuestionVersion"]] = relationship(
        back_populates="question", order_by="QuestionVersion.version", cascade="all, delete-orphan"
    )

    @property
    def tag_list(self) -> list[str]:
        return [t for t in (self.tags or "").split(",") if t]

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.code} {self.qtype} v{self.version}>"


class QuestionVersion(db.Model):
    """A frozen snapshot of what a question said; attempts point here."""

    __tablename__ = "quiz_question_versions"
    __table_args__ = (
        UniqueConstraint(
            "question_id", "version", name="uq_quiz_question_versions_question_version"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("quiz_questions.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    qtype: Mapped[str] = mapped_column(String(20))
    stem: Mapped[str] = mapped_column(Text)
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    explanation: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(String(300), default="")
    #: set once an attempt references this version (services.freeze_version); a frozen
    #: version is never changed again, an edit makes the next version instead
    is_frozen: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    question: Mapped[Question] = relationship(back_populates="versions")

    def __repr__(self) -> str:
        return (
            f"<QuestionVersion q{self.question_id} v{self.version}"
            f"{' frozen' if self.is_frozen else ''}>"
        )
