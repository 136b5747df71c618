"""Writing and reading the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from lianbing.audit.models import AuditLog
from lianbing.dbtypes import utcnow
from lianbing.extensions import db


def write(
    action: str,
    target_type: str,
    target_id: Any,
    *,
    actor_id: int | None = None,
    bureau_id: int | None = None,
    old: dict | None = None,
    new: dict | None = None,
    reason: str = "",
) -> AuditLog:
    """Add one audit row to the session (flushed, not committed)."""
    row = AuditLog(
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        actor_id=actor_id,
        bureau_id=bureau_id,
        old=old,
        new=new,
        reason=reason or "",
        at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    return row


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    actor_id: int | None = None
    #: the acting user's username
    actor: str = ""
    bureau_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


def query(f: AuditFilter) -> Select:
    """A select over the audit log, newest first, narrowed by the filter."""
    stmt = select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc())
    if f.action:
        stmt = stmt.where(AuditLog.action.startswith(f.action))
    if f.target_type:
        stmt = stmt.where(AuditLog.target_type == f.target_type)
    if f.target_id:
        stmt = stmt.where(AuditLog.target_id == f.target_id)
    if f.actor_id:
        stmt = stmt.where(AuditLog.actor_id == f.actor_id)
    if f.actor:
        stmt = stmt.where(AuditLog.actor.has(username=f.actor))
    if f.bureau_id:
        stmt = stmt.where(AuditLog.bureau_id == f.bureau_id)
    if f.since:
        stmt = stmt.where(AuditLog.at >= f.since)
    if f.until:
        stmt = stmt.where(AuditLog.at < f.until)
    return stmt


def actions() -> list[str]:
    """Distinct actions present, for the filter menu."""
    return list(db.session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action)))


def bureau_choices() -> list[tuple[int, str]]:
    """(id, short name) of every bureau, the city first then the counties by code, for the filter.

    The bureau model is reached through the log's own relationship, so the audit package
    needs no import of the accounts package (which writes audit rows itself).
    """
    bureau = AuditLog.bureau.property.mapper.class_
    rows = db.session.execute(
        select(bureau.id, bureau.short_name).order_by(bureau.level, bureau.code)
    )
    return [(bureau_id, name) for bureau_id, name in rows]


def user_names(ids) -> dict[str, str]:
    """Display names of the users with these ids (as strings, like ``target_id``)."""
    numbers = {int(i) for i in ids if str(i).isdigit()}
    if not numbers:
        return {}
    user = AuditLog.actor.property.mapper.class_
    rows = db.session.execute(select(user.id, user.display_name).where(user.id.in_(numbers)))
    return {str(user_id): name for user_id, name in rows}
