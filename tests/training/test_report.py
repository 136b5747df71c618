"""Law study's figures for the report to the province, counted per bureau."""

from __future__ import annotations

from datetime import timedelta

from lianbing.campaign.report import figures
from lianbing.extensions import db
from training.lectures.models import Attendance, Lecture
from training.modules.models import Lesson, Module, ModuleCompletion, StudyRecord
from training.report import report_figures

from .conftest import T0


def _values(found) -> dict:
    return {f.label: f.value for f in found}


def test_hours_modules_lectures_and_attendance_per_bureau(campaign, make_user):
    ours, theirs = make_user("officer", "441402"), make_user("officer", "441403")
    lecture = Lecture(
        title="大气法讲座",
        starts_at=T0,
        ends_at=T0 + timedelta(hours=2),
        bureau_id=ours.bureau_id,
        code="AB12CD34",
    )
    module = Module(title="环境保护法", is_published=True)
    db.session.add_all([lecture, module])
    db.session.flush()
    lesson = Lesson(module_id=module.id, title="第一课")
    db.session.add(lesson)
    db.session.flush()
    db.session.add_all(
        [
            Attendance(lecture_id=lecture.id, user_id=ours.id, minutes=90),
            Attendance(lecture_id=lecture.id, user_id=theirs.id, minutes=60),
            StudyRecord(user_id=ours.id, lesson_id=lesson.id, seconds=1800, opened_at=T0),
            ModuleCompletion(user_id=ours.id, module_id=module.id, completed_at=T0),
        ]
    )
    db.session.commit()
    scope = figures.scope(campaign, (ours.bureau_id,))
    assert _values(report_figures(scope)) == {
        "学习时长（小时）": 2.0,  # 90 minutes of lecture and 30 of the lesson
        "完成学习模块（人次）": 1,
        "举办讲座培训（场）": 1,
        "讲座培训出勤（人次）": 1,
    }
    both = figures.scope(campaign, (ours.bureau_id, theirs.bureau_id))
    assert _values(report_figures(both))["讲座培训出勤（人次）"] == 2
    before = figures.scope(campaign, (theirs.bureau_id,))
    assert _values(report_figures(before))["举办讲座培训（场）"] == 0
