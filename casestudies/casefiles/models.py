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


#: the stages paper items are grouped by, in order
STAGES = ["立案", "调查取证", "审查", "告知", "决定", "送达", "执行", "归档"]
#: the eight aspects of the review guide
ASPECTS = [
    "主体合法",
    "事实清楚",
    "证据充分",
    "适用法律正确",
    "程序合法",
    "文书规范",
    "执行到位",
    "归档规范",
]
#: how a file came into the review: proposed by its county, drawn by the city, sent on to the
#: province
SELECTION_KINDS = {"proposed": "县级自选", "drawn": "市局抽取", "province": "报送省厅"}


class ReviewTable(db.Model):
    """A versioned review table (评查表) for case files; its items live in ``data``."""

    __tablename__ = "cs_review_tables"
    __table_args__ = (
        UniqueConstraint("family", "version", name="uq_cs_review_tables_family_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(200))
    total_points: Mapped[float] = mapped_column(Float)
    #: {"veto": [...], "items": [...], "bonus": [...], "bonus_cap": n} (tables.validate)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: set when the first file is assigned against it; edits then need a new version
    is_locked: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseSelection(db.Model):
    """A case file proposed by its county, drawn by the city or sent on to the province."""

    __tablename__ = "cs_case_selections"
    __table_args__ = (
        UniqueConstraint("case_file_id", "kind", name="uq_cs_case_selections_case_kind"),
        CheckConstraint("kind IN ('proposed', 'drawn', 'province')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_file_id: Mapped[int] = mapped_column(
        ForeignKey("cs_case_files.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    draw_id: Mapped[int | None] = mapped_column(ForeignKey("cs_case_draws.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case_file: Mapped[CaseFile] = relationship()


class CaseDraw(db.Model):
    """A random draw from one county's closed cases: the seed and pool make it reproducible."""

    __tablename__ = "cs_case_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"), index=True)
    seed: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    #: the candidate case ids in the order drawn from, and the ids drawn
    pool: Mapped[list[int]] = mapped_column(JSON)
    drawn: Mapped[list[int]] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReviewGroup(db.Model):
    """A cross-review group: its leader, members, review table and score tolerance."""

    __tablename__ = "cs_review_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    leader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    table_id: Mapped[int] = mapped_column(ForeignKey("cs_review_tables.id"))
    tolerance: Mapped[float] = mapped_column(Float, default=5.0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    leader: Mapped[User] = relationship(foreign_keys=[leader_id])
    table: Mapped[ReviewTable] = relationship()
    members: Mapped[list[User]] = relationship(
        secondary="cs_review_group_members", order_by="User.username"
    )


class ReviewGroupMember(db.Model):
    __tablename__ = "cs_review_group_members"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("cs_review_groups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class CaseReview(db.Model):
    """One reviewer's scoring of one file, item by item; blind to the other reviewer."""

    __tablename__ = "cs_case_reviews"
    __table_args__ = (
        UniqueConstraint("case_file_id", "reviewer_id", name="uq_cs_case_reviews_case_reviewer"),
        CheckConstraint("status IN ('assigned', 'submitted')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_file_id: Mapped[int] = mapped_column(
        ForeignKey("cs_case_files.id", ondelete="CASCADE"), index=True
    )
    group_id: Mapped[int] = mapped_column(ForeignKey("cs_review_groups.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="assigned")
    #: {item key: {"points" | "failed", "comment", "page"}}
    scores: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    total: Mapped[float | None] = mapped_column(Float)
    vetoed: Mapped[bool] = mapped_column(default=False)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case_file: Mapped[CaseFile] = relationship()
    group: Mapped[ReviewGroup] = relationship()
    reviewer: Mapped[User] = relationship()


class CaseResult(db.Model):
    """A file's review outcome: waiting, to reconcile, or final with its score and reason."""

    __tablename__ = "cs_case_results"
    __table_args__ = (CheckConstraint("status IN ('open', 'reconcile', 'final')", name="status"),)

    case_file_id: Mapped[int] = mapped_column(
        ForeignKey("cs_case_files.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(ForeignKey("cs_review_groups.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    total: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column()
    fail_reason: Mapped[str] = mapped_column(Text, default="")
    #: the final item-by-item scores (the reconciled or agreed sheet)
    scores: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reconciled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case_file: Mapped[CaseFile] = relationship()
    group: Mapped[ReviewGroup] = relationship()


class ProposalQuota(db.Model):
    """How many files of one category each county may propose (自选); no row means no limit."""

    __tablename__ = "cs_proposal_quotas"
    __table_args__ = (CheckConstraint("quota >= 0", name="quota_not_negative"),)

    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    quota: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ResultLoss(db.Model):
    """Points a final result lost on one paper item, kept beside the result so the results
    pages sum them per county, category, stage and item in SQL."""

    __tablename__ = "cs_result_losses"

    case_file_id: Mapped[int] = mapped_column(
        ForeignKey("cs_case_results.case_file_id", ondelete="CASCADE"), primary_key=True
    )
    item_key: Mapped[str] = mapped_column(String(20), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("cs_review_groups.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    lost: Mapped[float] = mapped_column(Float)
