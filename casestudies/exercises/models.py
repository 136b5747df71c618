"""Record-writing exercises and the officers' submissions (drafts, then one final record)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casestudies.rubrics.models import Rubric
from lianbing.host import User, UTCDateTime, db, utcnow

RECORD_TYPES = {"inspection": "现场检查（勘察）笔录", "inquiry": "调查询问笔录"}
STATUSES = {"draft": "草稿", "submitted": "待评分", "graded": "已评分", "released": "已发布"}


class Exercise(db.Model):
    """A record-writing exercise: a scenario, a record type, a due time and a rubric."""

    __tablename__ = "cs_exercises"
    __table_args__ = (
        CheckConstraint("record_type IN ('inspection', 'inquiry')", name="record_type"),
        CheckConstraint("regrade_days >= 0", name="regrade_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    record_type: Mapped[str] = mapped_column(String(20))
    scenario: Mapped[str] = mapped_column(Text, default="")
    people: Mapped[str] = mapped_column(Text, default="")
    known_facts: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("cs_rubrics.id"))
    #: an optional photo or document shown with the scenario
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    is_published: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_second_marker: Mapped[bool] = mapped_column(Boolean, default=False)
    #: markers differing by more than this many points on a criterion must reconcile
    margin: Mapped[float] = mapped_column(Float, default=2.0)
    #: days after release during which the officer may ask for a regrade
    regrade_days: Mapped[int] = mapped_column(Integer, default=7)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the county bureau that runs it, for its own officers only; None = a city-wide exercise
    owner_bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"), index=True)
    #: the campaign active when it was made: its rubric is that campaign's version of the
    #: rubric family (cs_campaign_rubrics); None for exercises made before campaigns kept one
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    rubric: Mapped[Rubric] = relationship()

    def __repr__(self) -> str:
        return f"<Exercise {self.id} {self.record_type} {self.title}>"


class Submission(db.Model):
    """One officer's record for one exercise: a draft, then one final submission."""

    __tablename__ = "cs_submissions"
    __table_args__ = (
        UniqueConstraint("exercise_id", "user_id", name="uq_cs_submissions_exercise_user"),
        CheckConstraint("status IN ('draft', 'submitted', 'graded', 'released')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("cs_exercises.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    #: header fields, keyed as in records.FIELDS
    header: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    body: Mapped[str] = mapped_column(Text, default="")
    #: inquiry records: [{"q": ..., "a": ...}, ...]
    qa: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    confirmation: Mapped[str] = mapped_column(Text, default="")
    #: the canonical plain text graded (fixed at submission so evidence spans stay valid)
    text: Mapped[str] = mapped_column(Text, default="")
    #: the automatic pre-grade: {"criteria": {key: {...}}, "total": .., "vetoed": ..}
    pregrade: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    final_points: Mapped[float | None] = mapped_column(Float)
    is_reconciled: Mapped[bool] = mapped_column(Boolean, default=False)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    exercise: Mapped[Exercise] = relationship()
    user: Mapped[User] = relationship()
    # Grade lives in grading/models.py (which imports this module): resolved by name
    grades: Mapped[list["Grade"]] = relationship(  # noqa: F821
        back_populates="submission", order_by="Grade.marker_role"
    )

    def __repr__(self) -> str:
        return f"<Submission {self.id} ex{self.exercise_id} u{self.user_id} {self.status}>"
