"""The bureau study dashboard: per officer and per bureau, modules completed, hours, lectures,
overdue plans and who has not started."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from lianbing.host import Bureau, User, db
from training.lectures.models import Attendance
from training.modules.models import ModuleCompletion, StudyRecord
from training.plans.models import StudyPlan
from training.plans.services import scoped_officers, today


@dataclass
class OfficerRow:
    user: User
    completed: int = 0
    lessons_done: int = 0
    seconds: int = 0
    lectures: int = 0
    lecture_minutes: int = 0
    overdue: int = 0
    started: bool = False

    @property
    def hours(self) -> float:
        return round((self.seconds + self.lecture_minutes * 60) / 3600, 2)


@dataclass
class BureauRow:
    bureau: Bureau
    officers: int = 0
    completed: int = 0
    hours: float = 0.0
    lectures: int = 0
    overdue: int = 0
    not_started: int = 0


def officer_rows(actor, bureau_id: int | None = None, on: date | None = None) -> list[OfficerRow]:
    """One row per officer in scope: modules completed, hours, lectures, overdue, started."""
    users = scoped_officers(actor, bureau_id)
    rows = {u.id: OfficerRow(user=u) for u in users}
    bureau_ids = {u.bureau_id for u in users}
    _add_study(rows, bureau_ids)
    _add_lectures(rows, bureau_ids)
    _add_completions_and_overdue(rows, bureau_ids, on or today())
    return list(rows.values())


def _officers_in(bureau_ids):
    return select(User.id).where(User.role == "officer", User.bureau_id.in_(bureau_ids))


def _add_study(rows: dict, bureau_ids: set) -> None:
    stmt = (
        select(
            StudyRecord.user_id,
            func.sum(StudyRecord.seconds),
            func.count(StudyRecord.done_at),
            func.count(StudyRecord.id),
        )
        .where(StudyRecord.user_id.in_(_officers_in(bureau_ids)))
        .group_by(StudyRecord.user_id)
    )
    for user_id, seconds, done, count in db.session.execute(stmt):
        if user_id in rows:
            row = rows[user_id]
            row.seconds, row.lessons_done, row.started = (
                int(seconds or 0),
                done,
                row.started or count > 0,
            )


def _add_lectures(rows: dict, bureau_ids: set) -> None:
    stmt = (
        select(Attendance.user_id, func.count(Attendance.id), func.sum(Attendance.minutes))
        .where(Attendance.user_id.in_(_officers_in(bureau_ids)))
        .group_by(Attendance.user_id)
    )
    for user_id, count, minutes in db.session.execute(stmt):
        if user_id in rows:
            row = rows[user_id]
            row.lectures, row.lecture_minutes, row.started = count, int(minutes or 0), True


def _add_completions_and_overdue(rows: dict, bureau_ids: set, on: date) -> None:
    stmt = select(ModuleCompletion.user_id, ModuleCompletion.module_id).where(
        ModuleCompletion.user_id.in_(_officers_in(bureau_ids))
    )
    done = {(u, m) for u, m in db.session.execute(stmt)}
    for user_id, _ in done:
        if user_id in rows:
            rows[user_id].completed += 1
    late = list(db.session.scalars(select(StudyPlan).where(StudyPlan.due_on < on)))
    for row in rows.values():
        row.overdue = len(
            {
                p.module_id
                for p in late
                if p.applies_to(row.user) and (row.user.id, p.module_id) not in done
            }
        )


def bureau_rows(actor, on: date | None = None) -> list[BureauRow]:
    """Per bureau totals for the actor's scope (the city admin sees every bureau side by side)."""
    return summarize(officer_rows(actor, None, on))


def summarize(rows: list[OfficerRow]) -> list[BureauRow]:
    """Per bureau totals of officer rows."""
    by_bureau: dict[int, BureauRow] = {}
    for row in rows:
        b = by_bureau.setdefault(row.user.bureau_id, BureauRow(bureau=row.user.bureau))
        b.officers += 1
        b.completed += row.completed
        b.hours = round(b.hours + row.hours, 2)
        b.lectures += row.lectures
        b.overdue += row.overdue
        b.not_started += 0 if row.started else 1
    return sorted(by_bureau.values(), key=lambda b: b.bureau.code)
