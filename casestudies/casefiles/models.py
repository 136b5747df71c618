"""Case files: the case, its handling officers, its documents and the records pasted from it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lianbing.host import Bureau, User, UTCDateTime, db, utcnow

#: the seven case categories of the national campaign, key → label
CATEGORIES = {
    "general": "一般行政处罚",
    "daily": "按日连续处罚",
    "seizure": "查封扣押",
    "suspension": "停产限产",
    "detention": "移送行政拘留",
    "criminal": "涉嫌环境污染犯罪移送",
    "audit": "稽查",
}
#: the stage dates of a case, column → label, in order
STAGE_DATES = {
    "filed_on": "立案",
    "investigated_on": "调查终结",
    "notified_on": "告知",
    "decided_on": "决定",
    "served_on": "送达",
    "closed_on": "结案",
}
#: the kinds of documents a case file holds, key → label
DOC_TYPES = {
    "filing": "立案审批表",
    "inspection": "现场检查（勘察）笔录",
    "inquiry": "调查询问笔录",
    "evidence": "证据材料",
    "notice": "告知书",
    "hearing": "听证材料",
    "decision": "处罚决定书",
    "service": "送达回证",
    "execution": "执行材料",
    "closing": "结案审批表",
    "other": "其他",
}
#: record texts that may be pasted and pre-graded
RECORD_KINDS = {"inspection": "现场检查（勘察）笔录", "inquiry": "调查询问笔录"}
#: documents accepted: PDF, images and Word
DOC_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx"}


class CaseFile(db.Model):
    """One closed case of a county, entered for review."""

    __tablename__ = "cs_case_files"
    __table_args__ = (
        UniqueConstraint("case_no", name="uq_cs_case_files_case_no"),
        CheckConstraint(
            "category IN ('general', 'daily', 'seizure', 'suspension', 'detention', "
            "'criminal', 'audit')",
            name="category",
        ),
        CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"), index=True)
    case_no: Mapped[str] = mapped_column(String(80))
    category: Mapped[str] = mapped_column(String(20), index=True)
    party: Mapped[str] = mapped_column(String(200))
    violation: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(Text, default="")
    amount: Mapped[float | None] = mapped_column(Float)
    filed_on: Mapped[date | None] = mapped_column(Date)
    investigated_on: Mapped[date | None] = mapped_column(Date)
    notified_on: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    served_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    bureau: Mapped[Bureau] = relationship()
    officers: Mapped[list[User]] = relationship(
        secondary="cs_case_officers", order_by="User.username"
    )
    documents: Mapped[list["CaseDocument"]] = relationship(
        back_populates="case_file", order_by="CaseDocument.id"
    )
    records: Mapped[list["CaseRecord"]] = relationship(
        back_populates="case_file", order_by="CaseRecord.id"
    )

    @property
    def category_label(self) -> str:
        return CATEGORIES.get(self.category, self.category)

    @property
    def page_count(self) -> int:
        return sum(d.pages for d in self.documents)

    def __repr__(self) -> str:
        return f"<CaseFile {self.id} {self.case_no}>"


class CaseOfficer(db.Model):
    """A handling officer (承办人员) of a case file, from the roster."""

    __tablename__ = "cs_case_officers"

    case_file_id: Mapped[int] = mapped_column(
        ForeignKey("cs_case_files.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)


class CaseDocument(db.Model):
    """A document of a case file, kept in the document store under its SHA-256."""

    __tablename__ = "cs_case_documents"
    __table_args__ = (
        CheckConstraint("pages >= 1", name="pages_positive"),
        CheckConstraint("size > 0", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_file_id: Mapped[int] = mapped_column(
        ForeignKey("cs_case_files.id", ondelete="CASCADE"), index=True
    )
    doc_type: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    pages: Mapped[int] = mapped_column(Integer, default=1)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case_file: Mapped[CaseFile] = relationship(back_populates="documents")

    @property
    def type_label(self) -> str:
        return DOC_TYPES.get(self.doc_type, self.doc_type)


class CaseRecord(db.Model):
    """A record of the case pasted as text, pre-graded against a record rubric."""

    __tablename__ = "cs_case_records"
    __table_args__ = (
        CheckConstraint("record_type IN ('inspection', 'inquiry')", name="record_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_file_id: Mapped[int] = mapped_column(
        ForeignKey("cs_case_files.id", ondelete="CASCADE"), index=True
    )
    record_type: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    rubric_id: Mapped[int | None] = mapped_column(ForeignKey("cs_rubrics.id"))
    #: the record engine's pre-grade (checks.pregrade), None when no rubric was at hand
    pregrade: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case_file: Mapped[CaseFile] = relationship(back_populates="records")
