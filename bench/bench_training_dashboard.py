"""Bureau study dashboard for 2,000 officers x 50 lessons.

Figures: the server time of GET /training/dashboard for the bureau admin (whole request,
template and SVG charts included), and of the officer_rows() service alone, each against
one plain query reading the bureau's rows of the progress table (training_study_records)
in the same run. Goal: dashboard under 300 ms on SQLite.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from flask import g
from sqlalchemy import insert, select

from bench.common import bench_app, best_of, line
from lianbing.accounts import services as accounts
from lianbing.accounts.models import User
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from training.lectures import services as lectures
from training.lectures.models import Attendance
from training.modules import services as modules
from training.modules.models import Lesson, ModuleCompletion, StudyRecord
from training.plans import dashboard
from training.plans import services as plans

OFFICERS, MODULES, LESSONS_PER_MODULE = 2000, 5, 10


def _people() -> tuple[int, int]:
    city = accounts.ensure_bureau("市局", "市局", "441400", "city", None)
    county = accounts.ensure_bureau("县局", "县局", "441402", "county", city.id)
    accounts.create_user(
        accounts.UserData(
            username="admin",
            display_name="管理员",
            role="bureau_admin",
            bureau_id=county.id,
            password="bench-password",
        )
    )
    accounts.create_user(
        accounts.UserData(
            username="city",
            display_name="市局",
            role="city_admin",
            bureau_id=city.id,
            password="bench-password",
        )
    )
    hashed = db.session.scalar(select(User.password_hash).where(User.username == "admin"))
    db.session.execute(
        insert(User),
        [
            {
                "username": f"o{i}",
                "display_name": f"执法员{i}",
                "password_hash": hashed,
                "role": "officer",
                "bureau_id": county.id,
                "is_active_": True,
                "created_at": utcnow(),
            }
            for i in range(OFFICERS)
        ],
    )
    return city.id, county.id


def _content() -> list[int]:
    lesson_ids = []
    for m in range(MODULES):
        module = modules.save_module(modules.ModuleData(f"模块{m}", is_published=True, position=m))
        for n in range(LESSONS_PER_MODULE):
            lesson_ids.append(
                modules.save_lesson(
                    module, modules.LessonData(f"课{m}-{n}", "正文", 10, True, n)
                ).id
            )
        plans.create_plan(
            _city_admin(), plans.PlanData(module.id, "officer", None, date(2017, 7, 1 + m))
        )
    return lesson_ids


def _city_admin() -> User:
    return db.session.scalar(select(User).where(User.username == "city"))


def _progress(lesson_ids: list[int], rng: random.Random) -> None:
    officers = list(db.session.scalars(select(User.id).where(User.role == "officer")))
    now = utcnow()
    _study_records(officers, lesson_ids, rng, now)
    _module_completions(officers, now)
    _lecture_attendance(officers, now)


def _study_records(officers: list[int], lesson_ids: list[int], rng: random.Random, now) -> None:
    """90 % of the officers opened every lesson; about 60 % of those records are done."""
    rows = [
        {
            "user_id": u,
            "lesson_id": lid,
            "seconds": rng.randint(0, 1200),
            "opened_at": now,
            "done_at": now if rng.random() < 0.6 else None,
        }
        for u in officers[: int(OFFICERS * 0.9)]
        for lid in lesson_ids
    ]
    db.session.execute(insert(StudyRecord), rows)


def _module_completions(officers: list[int], now) -> None:
    """Half of the officers completed the first two modules."""
    module_ids = sorted({m for (m,) in db.session.execute(select(Lesson.module_id))})
    db.session.execute(
        insert(ModuleCompletion),
        [
            {"user_id": u, "module_id": m, "completed_at": now, "score": 0.8}
            for u in officers[: OFFICERS // 2]
            for m in module_ids[:2]
        ],
    )


def _lecture_attendance(officers: list[int], now) -> None:
    """One finished city lecture, signed in by every third officer."""
    lecture = lectures.create_lecture(
        _city_admin(),
        lectures.LectureData(
            "讲座",
            "lecture",
            now - timedelta(hours=2),
            now - timedelta(hours=1),
            "",
            "",
            db.session.scalar(select(User.bureau_id).where(User.username == "city")),
        ),
    )
    db.session.execute(
        insert(Attendance),
        [
            {"lecture_id": lecture.id, "user_id": u, "signed_at": now, "minutes": 60}
            for u in officers[::3]
        ],
    )


def main() -> None:
    with bench_app() as app:
        _, county_id = _people()
        _progress(_content(), random.Random(7))
        db.session.commit()
        client = app.test_client()
        client.post("/login", data={"username": "admin", "password": "bench-password"})
        assert client.get("/training/dashboard").status_code == 200
        admin = db.session.scalar(select(User).where(User.username == "admin"))

        def one_query():
            stmt = (
                select(
                    StudyRecord.user_id,
                    StudyRecord.lesson_id,
                    StudyRecord.seconds,
                    StudyRecord.done_at,
                )
                .join(User, User.id == StudyRecord.user_id)
                .where(User.bureau_id == county_id)
            )
            return db.session.execute(stmt).all()

        def request():
            db.session.remove()
            g.pop("_login_user", None)  # the bench shares one app context: load the user afresh
            return client.get("/training/dashboard")

        baseline = best_of(one_query, 5)
        page = best_of(request, 5)
        service = best_of(lambda: dashboard.officer_rows(admin, None), 5)
        line("training.dashboard_request", page * 1000, "ms", baseline * 1000)
        line("training.dashboard_service", service * 1000, "ms", baseline * 1000)


if __name__ == "__main__":
    main()
