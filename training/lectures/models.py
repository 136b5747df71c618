"""Models of lectures: sessions held in a hall with a sign-in code, and attendances."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lianbing.host import UTCDateTime, db, utcnow


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
        back_populates="lecture", cascade="all, delete-orphan", order_by="Attendance.signed_at"
    )

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
    lecture_id: Mapped[int] = mapped_column(
        ForeignKey("training_lectures.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: minutes attended (sign-in to end of session), counted as study time
    minutes: Mapped[int] = mapped_column(default=0)

    lecture: Mapped[Lecture] = relationship(back_populates="attendances")
    user = relationship("User")

    def __repr__(self) -> str:
        return f"<Attendance lecture={self.lecture_id} user={self.user_id}>"
