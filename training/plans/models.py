"""Models of study plans: a module assigned to a role and/or bureau with a due date."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lianbing.host import UTCDateTime, db, utcnow
from training.modules.models import Module


class StudyPlan(db.Model):
    """A module assigned to a role and/or bureau with a due date (None = all)."""

    __tablename__ = "training_study_plans"
    __table_args__ = (Index("ix_training_study_plans_due", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("training_modules.id", ondelete="CASCADE"), index=True
    )
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
