"""Case files: enter and edit a closed case, upload its documents, paste and pre-grade records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from sqlalchemy import func, select

from casestudies.casefiles.models import (
    CATEGORIES,
    DOC_SUFFIXES,
    DOC_TYPES,
    RECORD_KINDS,
    STAGE_DATES,
    CaseDocument,
    CaseFile,
    CaseRecord,
)
from casestudies.errors import CaseError, Conflict
from casestudies.exercises.records import marks_of, missing_of, segments
from casestudies.rubrics import services as rubric_services
from casestudies.rubrics.models import Rubric
from lianbing.host import User, db, log_event, save_stream, write_audit

MAX_PAGES = 2000


@dataclass
class CaseData:
    """A case as entered on the form or read from a row of the Excel list."""

    case_no: str
    category: str
    party: str
    violation: str = ""
    legal_basis: str = ""
    decision: str = ""
    amount: float | None = None
    dates: dict[str, date | None] = field(default_factory=dict)
    officer_ids: list[int] = field(default_factory=list)


def check_case(data: CaseData, bureau_id: int, case_id: int | None = None) -> None:
    """Refuse a case that cannot be stored, saying which field is wrong."""
    if not data.case_no.strip():
        raise CaseError("请填写文号。")
    if data.category not in CATEGORIES:
        raise CaseError(
            f"未知的案件类别“{data.category}”；可用：{'、'.join(CATEGORIES.values())}。"
        )
    if not data.party.strip():
        raise CaseError("请填写当事人。")
    if data.amount is not None and data.amount < 0:
        raise CaseError("罚款金额不能为负数。")
    _check_dates(data.dates)
    _check_officers(data.officer_ids, bureau_id)
    clash = db.session.scalar(
        select(CaseFile.id).where(
            CaseFile.case_no == data.case_no.strip(), CaseFile.id != (case_id or 0)
        )
    )
    if clash:
        raise Conflict(f"文号“{data.case_no.strip()}”已经录入过。")


def _check_dates(dates: dict) -> None:
    if not dates.get("filed_on") or not dates.get("closed_on"):
        raise CaseError("请填写立案日期和结案日期（只录入已结案件）。")
    last, last_label = None, ""
    for key, label in STAGE_DATES.items():
        value = dates.get(key)
        if value is None:
            continue
        if last is not None and value < last:
            raise CaseError(f"{label}日期 {value} 早于{last_label}日期 {last}。")
        last, last_label = value, label


def _check_officers(officer_ids: list[int], bureau_id: int) -> None:
    if not officer_ids:
        raise CaseError("请选择至少一名承办人员。")
    users = db.session.scalars(select(User).where(User.id.in_(officer_ids))).all()
    if len(users) != len(set(officer_ids)):
        raise CaseError("承办人员不在花名册中。")
    strangers = [u.display_name for u in users if u.bureau_id != bureau_id]
    if strangers:
        raise CaseError(f"承办人员 {'、'.join(strangers)} 不是本单位人员。")


def save_case(case: CaseFile | None, data: CaseData, *, bureau_id: int, actor_id: int) -> CaseFile:
    """Create or update a case file with its handling officers."""
    check_case(data, bureau_id, case.id if case else None)
    new = case is None
    if new:
        case = CaseFile(bureau_id=bureau_id, created_by=actor_id)
        db.session.add(case)
    case.case_no, case.category = data.case_no.strip(), data.category
    case.party, case.violation = data.party.strip(), data.violation.strip()
    case.legal_basis, case.decision = data.legal_basis.strip(), data.decision.strip()
    case.amount = data.amount
    for key in STAGE_DATES:
        setattr(case, key, data.dates.get(key))
    case.officers = list(db.session.scalars(select(User).where(User.id.in_(data.officer_ids))))
    db.session.flush()
    write_audit(
        "casestudies.casefile." + ("create" if new else "update"),
        "cs_case_file",
        case.id,
        actor_id=actor_id,
        bureau_id=bureau_id,
        new={"case_no": case.case_no, "category": case.category, "officers": data.officer_ids},
    )
    return case


def cases(bureau_id: int | None = None, category: str | None = None) -> list[CaseFile]:
    """Case files, of one bureau or all, newest closed first."""
    stmt = select(CaseFile).order_by(CaseFile.bureau_id, CaseFile.closed_on.desc(), CaseFile.id)
    if bureau_id is not None:
        stmt = stmt.where(CaseFile.bureau_id == bureau_id)
    if category:
        stmt = stmt.where(CaseFile.category == category)
    return list(db.session.scalars(stmt))


def officer_choices(bureau_id: int) -> list[User]:
    """Active people of the bureau who may be named as handling officers."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.bureau_id == bureau_id, User.is_active_.is_(True))
            .order_by(User.username)
        )
    )


@dataclass
class Upload:
    """A document as it arrives: a stream read in chunks, its name, type and page count."""

    stream: BinaryIO
    filename: str
    doc_type: str
    pages: int


def add_document(case: CaseFile, upload: Upload, *, actor_id: int) -> CaseDocument:
    """Store a document in the document store and list it in the case file."""
    if upload.doc_type not in DOC_TYPES:
        raise CaseError(f"未知的文书类型“{upload.doc_type}”。")
    if not 1 <= upload.pages <= MAX_PAGES:
        raise CaseError(f"页数须在 1 到 {MAX_PAGES} 之间。")
    blob = save_stream(upload.stream, upload.filename, allowed=DOC_SUFFIXES)
    doc = CaseDocument(
        case_file_id=case.id,
        doc_type=upload.doc_type,
        filename=blob.filename,
        content_type=blob.content_type,
        size=blob.size,
        sha256=blob.sha256,
        pages=upload.pages,
        uploaded_by=actor_id,
    )
    db.session.add(doc)
    db.session.flush()
    write_audit(
        "casestudies.casefile.document",
        "cs_case_file",
        case.id,
        actor_id=actor_id,
        bureau_id=case.bureau_id,
        new={"document": doc.id, "type": doc.doc_type, "size": doc.size, "sha256": doc.sha256},
    )
    log_event("casestudies", "case file %s: document %s stored", case.id, doc.id, size=doc.size)
    return doc


def record_rubric(record_type: str) -> Rubric | None:
    """The rubric records of this type are pre-graded against: the newest one of the type."""
    return db.session.scalar(
        select(Rubric).where(Rubric.record_type == record_type).order_by(Rubric.id.desc()).limit(1)
    )


def add_record(case: CaseFile, record_type: str, text: str, *, actor_id: int) -> CaseRecord:
    """Keep a record pasted from the file and pre-grade it with the record engine."""
    if record_type not in RECORD_KINDS:
        raise CaseError(f"未知的笔录类型“{record_type}”。")
    rubric = record_rubric(record_type)
    if rubric is None:
        raise CaseError(f"还没有{RECORD_KINDS[record_type]}的评分量表，无法预评。")
    result = rubric_services.trial(rubric, text)
    rec = CaseRecord(
        case_file_id=case.id,
        record_type=record_type,
        text=text,
        rubric_id=rubric.id,
        pregrade=result,
        created_by=actor_id,
    )
    db.session.add(rec)
    db.session.flush()
    write_audit(
        "casestudies.casefile.record",
        "cs_case_file",
        case.id,
        actor_id=actor_id,
        bureau_id=case.bureau_id,
        new={"record": rec.id, "type": record_type, "pregrade": result["total"]},
    )
    return rec


def record_pieces(rec: CaseRecord) -> tuple[list, list]:
    """The record cut for highlighting, and the elements the checks found missing."""
    return segments(rec.text, marks_of(rec.pregrade)), missing_of(rec.pregrade)


def counts_by_bureau() -> dict[int, int]:
    """How many case files each bureau has entered."""
    rows = db.session.execute(select(CaseFile.bureau_id, func.count()).group_by(CaseFile.bureau_id))
    return {bureau_id: n for bureau_id, n in rows}


def audit_refusal(action: str, target_type: str, target_id, *, actor_id: int, reason: str) -> None:
    """Note a refused action in the audit log. The services check before they write, so a
    refusal leaves nothing half-written and this row is the only change kept."""
    write_audit(f"{action}.refused", target_type, target_id, actor_id=actor_id, reason=reason)
