"""The audit log: one table for every change that matters.

Every host package writes here through :mod:`lianbing.audit.services`; the log itself names
people and bureaus only by table ("users", "bureaus"), so it depends on no other package.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lianbing.dbtypes import UTCDateTime, utcnow
from lianbing.extensions import db


class AuditLog(db.Model):
    """Who changed what, when, from which value to which, and why."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_target", "target_type", "target_id"),
        Index("ix_audit_log_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the acting user; None for the system (auto-marking, imports from the command line)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: dotted verb, e.g. "score.insert", "user.create", "nomination.reopen"
    action: Mapped[str] = mapped_column(String(50), index=True)
    target_type: Mapped[str] = mapped_column(String(50))
    target_id: Mapped[str] = mapped_column(String(80))
    #: the bureau the change concerns, for scoping and filtering
    bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"))
    old: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    new: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")

    # resolved by name in SQLAlchemy's registry, so audit never imports accounts
    actor: Mapped["User | None"] = relationship("User")  # noqa: F821
    bureau: Mapped["Bureau | None"] = relationship("Bureau")  # noqa: F821

    def __repr__(self) -> str:
        return f"<AuditLog {self.action} {self.target_type}:{self.target_id}>"
