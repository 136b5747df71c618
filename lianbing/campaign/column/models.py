"""Column articles and penalty cases."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lianbing.accounts.models import Bureau
from lianbing.dbtypes import UTCDateTime, utcnow
from lianbing.extensions import db

DRAFT, SUBMITTED, PUBLISHED, REJECTED = "draft", "submitted", "published", "rejected"
ARTICLE_STATUS = {DRAFT: "草稿", SUBMITTED: "待审核", PUBLISHED: "已发布", REJECTED: "退回"}


class ColumnArticle(db.Model):
    """An article a county submits (or the city writes) for the column."""

    __tablename__ = "campaign_articles"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'submitted', 'published', 'rejected')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    #: Markdown
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    bureau: Mapped[Bureau] = relationship()

    def __repr__(self) -> str:
        return f"<ColumnArticle {self.id} {self.status}>"


class PenaltyCase(db.Model):
    """An administrative penalty case; public only once the city discloses it."""

    __tablename__ = "campaign_penalty_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"))
    enterprise: Mapped[str] = mapped_column(String(200))
    violation: Mapped[str] = mapped_column(Text)
    #: the articles of law the decision rests on
    legal_basis: Mapped[str] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[date]
    is_disclosed: Mapped[bool] = mapped_column(default=False, index=True)
    disclosed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    bureau: Mapped[Bureau | None] = relationship()

    def __repr__(self) -> str:
        return f"<PenaltyCase {self.enterprise} {self.decided_on}>"
