"""A bureau's summary for the province: its own text sections and where it stands."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lianbing.accounts.models import Bureau
from lianbing.dbtypes import UTCDateTime, utcnow
from lianbing.extensions import db

DRAFT, SUBMITTED, RETURNED = "draft", "submitted", "returned"


class ProvinceReport(db.Model):
    """One bureau's (a county's or the city's) summary of one campaign for the province."""

    __tablename__ = "campaign_province_reports"
    __table_args__ = (
        UniqueConstraint("campaign_id", "bureau_id", name="uq_campaign_province_reports_bureau"),
        CheckConstraint("status IN ('draft', 'submitted', 'returned')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"))
    #: the bureau's own text, {section key: plain text}; the figures are never stored
    sections: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resubmitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_comment: Mapped[str] = mapped_column(Text, default="")
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    bureau: Mapped[Bureau] = relationship()

    def __repr__(self) -> str:
        return f"<ProvinceReport {self.campaign_id} b{self.bureau_id} {self.status}>"
