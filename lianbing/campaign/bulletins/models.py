"""Monthly bulletins."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lianbing.accounts.models import Bureau
from lianbing.dbtypes import UTCDateTime, utcnow
from lianbing.extensions import db

DRAFT, SUBMITTED, RETURNED = "draft", "submitted", "returned"


class Bulletin(db.Model):
    """One county bureau's bulletin for one month of a campaign."""

    __tablename__ = "campaign_bulletins"
    __table_args__ = (
        UniqueConstraint("campaign_id", "bureau_id", "period", name="uq_campaign_bulletins_month"),
        CheckConstraint("status IN ('draft', 'submitted', 'returned')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"), index=True)
    #: the month reported on, as its first day
    period: Mapped[date]
    title: Mapped[str] = mapped_column(String(200))
    #: Markdown, rendered through lianbing.markup
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    #: first submission; timeliness is judged on it, a resubmission after a return keeps it
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resubmitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_late: Mapped[bool] = mapped_column(default=False)
    return_comment: Mapped[str] = mapped_column(Text, default="")
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    bureau: Mapped[Bureau] = relationship()

    def __repr__(self) -> str:
        return f"<Bulletin {self.bureau_id} {self.period:%Y-%m} {self.status}>"
