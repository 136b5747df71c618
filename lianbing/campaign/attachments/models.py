"""Links from campaign paperwork to stored files."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lianbing.extensions import db
from lianbing.files.models import StoredFile

OWNER_TYPES = ("bulletin", "summary", "drill_report", "article")


class Attachment(db.Model):
    """One file attached to one owner row (polymorphic by owner_type)."""

    __tablename__ = "campaign_attachments"
    __table_args__ = (
        UniqueConstraint(
            "owner_type", "owner_id", "file_id", name="uq_campaign_attachments_owner_file"
        ),
        CheckConstraint(
            "owner_type IN ('bulletin', 'summary', 'drill_report', 'article')", name="owner_type"
        ),
        Index("ix_campaign_attachments_owner", "owner_type", "owner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: which kind of row owns the file; owner_id is that row's id
    owner_type: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[int]
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id", ondelete="CASCADE"))

    file: Mapped[StoredFile] = relationship()

    def __repr__(self) -> str:
        return f"<Attachment {self.owner_type}:{self.owner_id} file {self.file_id}>"
