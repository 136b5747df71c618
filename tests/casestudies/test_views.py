"""Pages of the casestudies part through the test client.

Every page, roles, access, CSRF, the operator log.
"""

import io
import logging
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from casestudies.exercises import services as exercises
from casestudies.exercises.models import Submission
from casestudies.grading import services as grading
from casestudies.lessons import services as lessons
from lianbing.extensions import db


def test_every_page_renders_for_trainer(client, auth, world):
    auth.login("trainer")
    ex = exercises.exercises(False)[0]
    sub = grading.queue(grading.QueueFilter(exercise_id=ex.id))[0]
    lesson = lessons.lessons(False)[0]
    pages = [
        "/casestudies/",
        "/casestudies/grading",
        "/casestudies/rubrics",
        f"/casestudies/rubrics/{ex.rubric_id}",
        f"/casestudies/rubrics/{ex.rubric_id}?edit=P4",
        f"/casestudies/exercises/{ex.id}",
        f"/casestudies/exercises/{ex.id}/edit",
        "/casestudies/exercises/new",
        "/casestudies/lessons/new",
        f"/casestudies/lessons/{lesson.id}/edit",
        f"/casestudies/lessons/{lesson.id}/result",
        f"/casestudies/exercises/{ex.id}/stats",
        f"/casestudies/submissions/{sub.id}",
        f"/casestudies/submissions/{sub.id}/grade",
        f"/casestudies/submissions/{sub.id}/print",
        f"/casestudies/grading?exercise={ex.id}&status=released",
        "/home",
    ]
    for path in pages:
        r = client.get(path)
        assert r.status_code == 200, (path, r.get_data(as_text=True)[:300])
    assert "<svg" in client.get(f"/casestudies/exercises/{ex.id}/stats").get_data(as_text=True)


@pytest.mark.parametrize(
    "username, status",
    [("officer_441402_1", 403), ("admin_441402", 403), ("trainer", 200), ("city_admin", 200)],
)
def test_management_pages_by_role(client, auth, world, username, status):
    auth.login(username)
    assert client.get("/casestudies/grading").status_code == status
    assert client.get("/casestudies/rubrics").status_code == status


def test_officer_cannot_open_another_officers_record(client, auth, world):
    other = db.session.scalar(
        select(Submission)
        .join(Submission.user)
        .where(Submission.user.has(username="officer_441403_1"))
    )
    auth.login("officer_441402_1")
    assert client.get(f"/casestudies/submissions/{other.id}").status_code == 403
    assert client.get(f"/casestudies/submissions/{other.id}/record.docx").status_code == 403
    assert client.get(f"/casestudies/submissions/{other.id}/print").status_code == 403
    assert (
        client.post(
            f"/casestudies/submissions/{other.id}/regrade", data={"criterion": "P4", "reason": "x"}
        ).status_code
        == 403
    )


def test_dashboard_cards(client, auth, world):
    auth.login("officer_441424_1")
    assert "待完成 2 项" in client.get("/home").get_data(as_text=True)
    auth.logout()
    auth.login("trainer")
    assert "待评分 0 份，已评待发布 4 份" in client.get("/home").get_data(as_text=True)


def test_every_post_form_carries_a_csrf_token():
    root = Path(__file__).resolve().parents[2] / "casestudies" / "templates"
    for path in root.rglob("*.html"):
        for form in re.findall(r"<form[^>]*method=\"post\".*?</form>", path.read_text(), re.S):
            assert "csrf_token()" in form or "hidden_tag()" in form, (path.name, form[:120])


def test_imports_and_exports_are_logged(client, auth, world, caplog):
    caplog.set_level(logging.INFO, logger="lianbing.casestudies")
    auth.login("trainer")
    ex = exercises.exercises(False)[0]
    raw = client.get(f"/casestudies/rubrics/{ex.rubric_id}.json").data
    r = client.post(
        "/casestudies/rubrics/import",
        data={"file": (io.BytesIO(raw), "r.json")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    sub = db.session.scalars(select(Submission).where(Submission.exercise_id == ex.id)).first()
    client.get(f"/casestudies/submissions/{sub.id}/record.docx")
    client.get(f"/casestudies/exercises/{ex.id}/grades.xlsx")
    lines = " | ".join(r.getMessage() for r in caplog.records if r.name == "lianbing.casestudies")
    assert f"rubric {ex.rubric_id} v1 exported by user" in lines and "imported by user" in lines
    assert (
        f"record {sub.id} exported as .docx" in lines
        and f"grades of exercise {ex.id} exported" in lines
    )
