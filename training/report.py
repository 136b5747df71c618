"""Law study's figures for the report to the province: hours, modules, lectures, attendance."""

from __future__ import annotations

from sqlalchemy import func, select

from lianbing.host import ReportFigure, ReportScope, User, db
from training.lectures.models import Attendance, Lecture
from training.modules.models import ModuleCompletion, StudyRecord

SECTION = "学法用法"


def _people(scope: ReportScope):
    return select(User.id).where(User.bureau_id.in_(scope.bureau_ids))


def _in_window(column, scope: ReportScope):
    return column.between(scope.starts_at, scope.ends_at)


def report_figures(scope: ReportScope) -> list[ReportFigure]:
    """Study hours (lessons and lectures attended), modules completed, lectures held, attendance."""
    people = _people(scope)
    lesson_seconds = db.session.scalar(
        select(func.coalesce(func.sum(StudyRecord.seconds), 0)).where(
            StudyRecord.user_id.in_(people), _in_window(StudyRecord.opened_at, scope)
        )
    )
    attended, minutes = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Attendance.minutes), 0))
        .join(Lecture, Lecture.id == Attendance.lecture_id)
        .where(Attendance.user_id.in_(people), _in_window(Lecture.starts_at, scope))
    ).one()
    completed = db.session.scalar(
        select(func.count()).where(
            ModuleCompletion.user_id.in_(people), _in_window(ModuleCompletion.completed_at, scope)
        )
    )
    held = db.session.scalar(
        select(func.count()).where(
            Lecture.bureau_id.in_(scope.bureau_ids), _in_window(Lecture.starts_at, scope)
        )
    )
    return [
        ReportFigure(SECTION, "学习时长（小时）", round((lesson_seconds + minutes * 60) / 3600, 1)),
        ReportFigure(SECTION, "完成学习模块（人次）", completed),
        ReportFigure(SECTION, "举办讲座培训（场）", held),
        ReportFigure(SECTION, "讲座培训出勤（人次）", attended),
    ]
