"""The bureau study dashboard's rows: study time, lectures, overdue plans, scope."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from lianbing.extensions import db
from training.lectures import services as lectures
from training.modules import study
from training.modules.models import ModuleCompletion, StudyRecord
from training.plans import dashboard
from training.plans import services as plans

# ten days ago, inside the campaign fixture (as in ../conftest.py)
T0 = (datetime.now(timezone.utc) - timedelta(days=10)).replace(
    hour=1, minute=0, second=0, microsecond=0
)


def at(minutes: float):
    return T0 + timedelta(minutes=minutes)


def _studies_whole_module(user, module) -> None:
    """One minute of heartbeats on the first lesson, then every lesson marked done."""
    record = study.open_lesson(user, module.lessons[0], at(0))
    study.heartbeat(user, record.id, True, at(0))
    study.heartbeat(user, record.id, True, at(1))
    for lesson in module.lessons:
        study.mark_done(user, lesson)


def _assert_officer_rows(city, a, idle, far) -> None:
    rows = {r.user.id: r for r in dashboard.officer_rows(city, on=date(2017, 8, 1))}
    assert (rows[a.id].completed, rows[a.id].seconds, rows[a.id].overdue, rows[a.id].started) == (
        1,
        60,
        0,
        True,
    )
    assert (rows[idle.id].started, rows[idle.id].overdue) == (False, 1)
    assert (rows[far.id].lectures, rows[far.id].hours, rows[far.id].overdue) == (1, 2.0, 1)


def _assert_bureau_rows(city) -> None:
    bureaus = {b.bureau.code: b for b in dashboard.bureau_rows(city, on=date(2017, 8, 1))}
    assert (
        bureaus["441402"].officers,
        bureaus["441402"].not_started,
        bureaus["441402"].completed,
    ) == (2, 1, 1)


def _assert_stored_progress(a, module) -> None:
    assert db.session.scalar(select(func.count()).select_from(ModuleCompletion)) == 1
    assert (
        db.session.scalar(
            select(StudyRecord.seconds).where(
                StudyRecord.user_id == a.id, StudyRecord.lesson_id == module.lessons[0].id
            )
        )
        == 60
    )


def test_dashboard_rows_count_study_lectures_overdue_and_scope(
    app, campaign, make_module, make_lecture, make_user
):
    module = make_module(questions=False)
    lecture = make_lecture()
    a = make_user("officer", "441402")
    idle = make_user("officer", "441402")
    far = make_user("officer", "441403")
    city = make_user("city_admin", "441400")
    plans.create_plan(city, plans.PlanData(module.id, "officer", None, date(2017, 7, 1)))
    _studies_whole_module(a, module)
    lectures.sign_in(far, lecture.code, T0)
    _assert_officer_rows(city, a, idle, far)
    _assert_bureau_rows(city)
    admin = make_user("bureau_admin", "441402")
    assert {r.user.id for r in dashboard.officer_rows(admin, on=date(2017, 8, 1))} == {
        a.id,
        idle.id,
    }
    _assert_stored_progress(a, module)
