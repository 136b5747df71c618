"""Lectures without HTTP: sign-in during the session for its audience, minutes to the ledger."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from lianbing.extensions import db
from lianbing.host import Bureau, Conflict, Forbidden, NotFound, Refused
from lianbing.ledger.models import ScoreEntry
from training.lectures import services as lectures
from training.lectures.models import Attendance

# ten days ago, inside the campaign fixture (as in ../conftest.py)
T0 = (datetime.now(timezone.utc) - timedelta(days=10)).replace(
    hour=1, minute=0, second=0, microsecond=0
)


def test_sign_in_during_session_counts_minutes_and_ledger(app, campaign, make_lecture, make_user):
    lecture = make_lecture(start=T0, minutes=120)
    officer = make_user("officer", "441403")
    attendance = lectures.sign_in(officer, lecture.code.lower(), T0 + timedelta(minutes=30))
    assert attendance.minutes == 90
    entry = db.session.scalar(select(ScoreEntry).where(ScoreEntry.kind == "lecture"))
    assert (entry.user_id, entry.points, entry.max_points) == (officer.id, 75.0, 100.0)
    with pytest.raises(Conflict, match="已经签到"):
        lectures.sign_in(officer, lecture.code, T0 + timedelta(minutes=31))


@pytest.mark.parametrize(
    "offset,message", [(-16, "尚未开始"), (121, "已经结束"), (60 * 24, "已经结束")]
)
def test_sign_in_outside_the_session_is_refused(app, make_lecture, make_user, offset, message):
    lecture = make_lecture(start=T0, minutes=120)
    with pytest.raises(Conflict, match=message):
        lectures.sign_in(make_user("officer"), lecture.code, T0 + timedelta(minutes=offset))
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0


def test_sign_in_for_another_bureaus_session_or_role_is_refused(app, make_lecture, make_user):
    county = make_lecture(bureau_code="441402")
    with pytest.raises(Forbidden):
        lectures.sign_in(make_user("officer", "441403"), county.code, T0)
    with pytest.raises(Forbidden):
        lectures.sign_in(make_user("trainer", "441402"), county.code, T0)
    assert (
        lectures.sign_in(
            make_user("officer", "441402"), county.code, T0 - timedelta(minutes=10)
        ).minutes
        == 120
    )
    with pytest.raises(NotFound):
        lectures.sign_in(make_user("officer", "441402"), "ZZZZZZ", T0)


def test_bureau_admin_schedules_only_for_own_bureau(app, make_user, make_lecture):
    make_lecture()  # creates bureaus
    admin = make_user("bureau_admin", "441402")
    other = db.session.scalar(select(Bureau).where(Bureau.code == "441403"))
    with pytest.raises(Forbidden):
        lectures.create_lecture(
            admin,
            lectures.LectureData("x", "lecture", T0, T0 + timedelta(hours=1), "", "", other.id),
        )
    with pytest.raises(Refused, match="结束时间"):
        lectures.create_lecture(
            admin, lectures.LectureData("x", "lecture", T0, T0, "", "", admin.bureau_id)
        )


def test_refused_sign_in_and_entered_attendance_are_logged(app, make_lecture, make_user, caplog):
    lecture = make_lecture(bureau_code="441402", start=T0, minutes=60)
    officer = make_user("officer", "441402")
    admin = make_user("bureau_admin", "441402")
    with caplog.at_level(logging.INFO, logger="lianbing.training"):
        with pytest.raises(NotFound):
            lectures.sign_in(officer, "ZZZZZZ", T0)
        lectures.add_attendance(admin, lecture, officer.username)
    lines = [r.getMessage() for r in caplog.records if r.name == "lianbing.training"]
    assert any(
        "sign-in refused" in line and f"user {officer.id}" in line and "签到码无效" in line
        for line in lines
    )
    assert any(
        f"attendance of user {officer.id} at lecture {lecture.id} entered by user {admin.id}"
        in line
        for line in lines
    )
