"""Lecture pages: permissions, sign-in codes, the organizer's page and export."""

from __future__ import annotations

import io
import logging
import secrets
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from lianbing.audit.models import AuditLog
from lianbing.campaign.schedule import today_local
from lianbing.extensions import db
from lianbing.host import ROLES, utcnow
from lianbing.ledger.models import ScoreEntry
from training.lectures.models import Attendance

PROTECTED = {
    "/training/lectures/new": {"trainer", "bureau_admin", "city_admin"},
    "/training/lectures": set(ROLES),
    "/training/signin": set(ROLES),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", sorted(PROTECTED))
def test_permission_matrix(client, login, library, role, path):
    login(role, "441400" if role in ("trainer", "city_admin") else "441402")
    expected = 200 if role in PROTECTED[path] else 403
    assert client.get(path).status_code == expected


def test_sign_in_with_code_and_attendance_export(login, client, make_lecture, campaign):
    lecture = make_lecture(start=utcnow() - timedelta(minutes=10), minutes=60)
    officer = login("officer", "441403")
    r = client.post("/training/signin", data={"code": lecture.code.lower()})
    assert r.status_code == 302
    assert (
        db.session.scalar(select(ScoreEntry.kind).where(ScoreEntry.user_id == officer.id))
        == "lecture"
    )
    again = client.post("/training/signin", data={"code": lecture.code})
    assert again.status_code == 409 and "已经签到" in again.get_data(as_text=True)
    login("city_admin", "441400")
    assert lecture.code in client.get(f"/training/lectures/{lecture.id}").get_data(as_text=True)
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/training/lectures/{lecture.id}/attendance.xlsx").data)
    )
    rows = list(book.active.values)
    assert rows[0][1] == "姓名" and rows[1][1] == officer.display_name


def test_late_code_is_409_and_foreign_code_is_403(login, client, make_lecture):
    past = make_lecture(start=utcnow() - timedelta(hours=3), minutes=60, title="过去")
    county = make_lecture(bureau_code="441402", start=utcnow(), title="梅江")
    login("officer", "441403")
    r = client.post("/training/signin", data={"code": past.code})
    assert r.status_code == 409 and "已经结束" in r.get_data(as_text=True)
    r = client.post("/training/signin", data={"code": county.code})
    assert r.status_code == 403 and "不面向" in r.get_data(as_text=True)
    r = client.post("/training/signin", data={"code": "NOPE99"})
    assert r.status_code == 404 and "签到码无效" in r.get_data(as_text=True)
    assert client.post("/training/signin", data={"code": ""}).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0


def test_bureau_admin_cannot_open_other_bureaus_lecture(login, client, make_lecture):
    county = make_lecture(bureau_code="441403")
    login("bureau_admin", "441402")
    assert client.get(f"/training/lectures/{county.id}").status_code == 403
    assert client.get(f"/training/lectures/{county.id}/attendance.xlsx").status_code == 403


def test_lecture_form_creates_session_with_code(login, client):
    admin = login("bureau_admin", "441402")
    r = client.post(
        "/training/lectures/new",
        data={
            "title": "专题培训",
            "kind": "special",
            "starts_at": "2026-12-01T09:00",
            "ends_at": "2026-12-01T11:00",
            "place": "会议室",
            "speaker": "张",
            "bureau_id": admin.bureau_id,
            "audience": ["officer"],
        },
    )
    assert r.status_code == 302
    bad = client.post(
        "/training/lectures/new",
        data={
            "title": "反了",
            "kind": "special",
            "starts_at": "2026-12-01T11:00",
            "ends_at": "2026-12-01T09:00",
            "bureau_id": admin.bureau_id,
            "audience": ["officer"],
        },
    )
    assert bad.status_code == 400 and "结束时间必须晚于开始时间" in bad.get_data(as_text=True)


def test_organizer_adds_attendance_from_paper_list(
    login, client, make_user, make_lecture, campaign
):
    lecture = make_lecture(bureau_code="441402", start=utcnow() - timedelta(hours=3), minutes=60)
    officer = make_user("officer", "441402")
    stranger = make_user("officer", "441403")
    admin = login("bureau_admin", "441402")
    r = client.post(
        f"/training/lectures/{lecture.id}/attendance", data={"username": officer.username}
    )
    assert r.status_code == 302
    entry = db.session.scalar(select(ScoreEntry).where(ScoreEntry.user_id == officer.id))
    assert (entry.kind, entry.points) == ("lecture", 100.0)
    for username, status, message in [
        (officer.username, 409, "已经签到"),
        ("nobody", 404, "找不到用户"),
        (stranger.username, 403, "只能补录本单位"),
    ]:
        r = client.post(f"/training/lectures/{lecture.id}/attendance", data={"username": username})
        assert r.status_code == status and message in r.get_data(as_text=True), username
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 1
    assert admin.role == "bureau_admin"


def test_attendance_export_is_logged(client, login, make_lecture, caplog):
    lecture = make_lecture()
    admin = login("city_admin", "441400")
    with caplog.at_level(logging.INFO, logger="lianbing.training"):
        assert client.get(f"/training/lectures/{lecture.id}/attendance.xlsx").status_code == 200
    assert f"attendance of lecture {lecture.id} exported by user {admin.id} (0 rows)" in caplog.text


def test_thirty_random_codes_are_throttled(login, client, make_lecture):
    """Guessing codes: after 10 wrong ones in 10 minutes, even the right code waits."""
    lecture = make_lecture(start=utcnow() - timedelta(minutes=5), minutes=60)
    login("officer", "441402")
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    guesses = ["".join(secrets.choice(alphabet) for _ in range(6)) for _ in range(30)]
    statuses = [
        client.post("/training/signin", data={"code": code}).status_code
        for code in guesses
        if code != lecture.code
    ]
    assert statuses.count(429) >= 19
    r = client.post("/training/signin", data={"code": lecture.code})
    assert r.status_code == 429 and "签到码错误次数过多" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0


def test_sign_in_after_the_campaign_is_kept_but_not_counted(login, client, make_lecture, campaign):
    campaign.end_date = today_local() - timedelta(days=1)
    db.session.commit()
    lecture = make_lecture(start=utcnow() - timedelta(minutes=10), minutes=60)
    officer = login("officer", "441403")
    r = client.post("/training/signin", data={"code": lecture.code}, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "签到成功" in page
    assert "签到已记录，但不计入练兵成绩" in page and str(campaign.end_date) in page
    assert db.session.scalar(select(Attendance.user_id)) == officer.id
    assert db.session.scalar(select(func.count()).select_from(ScoreEntry)) == 0
    refused = select(func.count()).where(AuditLog.action == "score.refused")
    assert db.session.scalar(refused) == 1
