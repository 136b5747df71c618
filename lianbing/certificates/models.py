"""A certificate issued to a person or a bureau (collective), frozen as it was printed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lianbing.accounts.models import Bureau, User
from lianbing.campaign.models import Campaign
from lianbing.dbtypes import UTCDateTime, utcnow
from lianbing.extensions import db

#: kind → the certificate's name
KINDS = {"honor": "荣誉证书", "completion": "结业证书"}
#: what a certificate rests on → its label (``study`` comes from the parts)
SOURCES = {
    "award": "实战练兵嘉奖",
    "nomination": "先进个人候选人",
    "recommendation": "推荐省级先进",
    "study": "学习任务结业",
}


class Certificate(db.Model):
    """One certificate; at most one live (unrevoked) per campaign, source and holder."""

    __tablename__ = "certificates"
    __table_args__ = (
        CheckConstraint("kind IN ('honor', 'completion')", name="kind"),
        CheckConstraint(
            "source_type IN ('award', 'nomination', 'recommendation', 'study')", name="source_type"
        ),
        CheckConstraint(
            "(holder_user_id IS NULL) <> (holder_bureau_id IS NULL)", name="one_holder"
        ),
        Index(
            "uq_certificates_live",
            "campaign_id",
            "source_ref",
            "holder_key",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: printed number: year-bureau code-code, e.g. 2026-441402-7KQ3M9XZ2P
    serial: Mapped[str] = mapped_column(String(40), unique=True)
    #: the random part of the serial, the key of the public page /v/<code>
    code: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    source_type: Mapped[str] = mapped_column(String(16))
    #: the qualifying result: award:<id>, nomination:<id>, recommendation:<id>, plan:<id> …
    source_ref: Mapped[str] = mapped_column(String(60))
    #: u:<user id> or b:<bureau id>, so the live-certificate index needs no NULL columns
    holder_key: Mapped[str] = mapped_column(String(20))
    holder_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    holder_bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"))
    #: the holder's bureau (the collective itself), for scoping lists to a county
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"), index=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    holder_name: Mapped[str] = mapped_column(String(100))
    #: what it is for, as printed
    title: Mapped[str] = mapped_column(String(300))
    issuer_bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"))
    #: the issuing bureau's full name, as printed
    issuer_name: Mapped[str] = mapped_column(String(100))
    issued_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str] = mapped_column(Text, default="")

    campaign: Mapped[Campaign] = relationship()
    holder_user: Mapped[User | None] = relationship(foreign_keys=[holder_user_id])
    bureau: Mapped[Bureau] = relationship(foreign_keys=[bureau_id])

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def __repr__(self) -> str:
        return f"<Certificate {self.serial} {self.source_ref} {self.holder_key}>"
