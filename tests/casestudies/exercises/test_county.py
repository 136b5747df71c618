"""County-run record exercises: a county admin (or attached trainer) authors exercises for its
own officers with the city's rubrics; other counties' officers do not see them; markers
attached to a county grade only its own bureau's records."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casestudies.exercises.models import Exercise, Submission
from casestudies.web import EXERCISE_REFUSED, NOT_FOR_YOU
from lianbing.audit.models import AuditLog
from lianbing.dbtypes import to_local, utcnow
from lianbing.extensions import db
from lianbing.ledger.models import ExpectedActivity
from tests.casestudies.records import record_form


@pytest.fixture
def county_exercise(make_exercise, find_user):
    """A published inspection exercise owned by 梅江区 (441402)."""
    exercise = make_exercise(title="梅江区笔录练习")
    exercise.owner_bureau_id = find_user("admin_441402").bureau_id
    db.session.commit()
    return exercise


@pytest.fixture
def county_trainer(make_user):
    return make_user("trainer", "441402", username="trainer_441402")


def _forbidden_rows() -> int:
    return db.session.scalar(
        select(func.count(AuditLog.id)).where(AuditLog.action == "auth.forbidden")
    )


def test_a_county_admin_creates_an_exercise_for_its_own_officers(
    client, auth, make_exercise, find_user
):
    rubric_id = make_exercise().rubric_id  # a city exercise, for the city's rubric
    auth.login("admin_441402")
    r = client.post(
        "/casestudies/exercises/new",
        data={
            "title": "梅江区现场检查笔录练习",
            "record_type": "inspection",
            "scenario": "某电镀厂",
            "due_at": to_local(utcnow()).strftime("%Y-%m-%dT%H:%M"),
            "rubric_id": rubric_id,
            "is_published": "y",
            "margin": "2",
            "regrade_days": "7",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    exercise = db.session.scalar(select(Exercise).where(Exercise.title.like("梅江区%")))
    own = find_user("admin_441402").bureau_id
    assert exercise.owner_bureau_id == own
    expected = db.session.scalar(
        select(ExpectedActivity).where(ExpectedActivity.ref == f"exercise:{exercise.id}")
    )
    assert expected.audience == "bureaus" and [m.bureau_id for m in expected.members] == [own]


def test_a_county_exercise_is_for_its_own_officers_only(client, auth, county_exercise):
    auth.login("officer_441402_1")
    assert client.get(f"/casestudies/exercises/{county_exercise.id}").status_code == 200
    assert "梅江区笔录练习" in client.get("/casestudies/").get_data(as_text=True)

    auth.login("officer_441403_1")
    r = client.get(f"/casestudies/exercises/{county_exercise.id}")
    assert r.status_code == 403 and NOT_FOR_YOU in r.get_data(as_text=True)
    r = client.post(
        f"/casestudies/exercises/{county_exercise.id}/write",
        data=record_form(county_exercise, action="submit"),
    )
    assert r.status_code == 403
    assert db.session.scalar(select(func.count(Submission.id))) == 0
    assert "梅江区笔录练习" not in client.get("/casestudies/").get_data(as_text=True)


#: (author, may edit the county's exercise, may edit the city's)
AUTHORS = [
    ("city_admin", True, True),
    ("trainer", True, True),
    ("admin_441402", True, False),
    ("trainer_441402", True, False),
    ("admin_441403", False, False),
]


@pytest.mark.parametrize("who, county_ok, city_ok", AUTHORS, ids=[a[0] for a in AUTHORS])
def test_exercise_authoring_matrix(
    client, auth, make_exercise, county_exercise, county_trainer, who, county_ok, city_ok
):
    city = make_exercise(title="市局笔录练习")
    auth.login(who)
    for exercise, ok in ((county_exercise, county_ok), (city, city_ok)):
        before = _forbidden_rows()
        r = client.get(f"/casestudies/exercises/{exercise.id}/edit")
        assert r.status_code == (200 if ok else 403), exercise.title
        if not ok:
            assert EXERCISE_REFUSED in r.get_data(as_text=True)
            assert _forbidden_rows() == before + 1


def test_a_county_marker_grades_its_own_bureau_s_records_only(
    client, auth, make_exercise, county_exercise, county_trainer
):
    city = make_exercise(title="市局笔录练习")
    auth.login("officer_441402_1")
    for exercise in (county_exercise, city):
        client.post(
            f"/casestudies/exercises/{exercise.id}/write",
            data=record_form(exercise, action="submit"),
        )
    subs = {s.exercise_id: s for s in db.session.scalars(select(Submission))}
    assert len(subs) == 2

    auth.login("trainer_441402")
    assert (
        client.get(f"/casestudies/submissions/{subs[county_exercise.id].id}/grade").status_code
        == 200
    )
    before = _forbidden_rows()
    r = client.post(f"/casestudies/submissions/{subs[city.id].id}/grade", data={"points_P1": "1"})
    assert r.status_code == 403 and EXERCISE_REFUSED in r.get_data(as_text=True)
    assert _forbidden_rows() == before + 1  # a refused grade is audited
    assert db.session.get(Submission, subs[city.id].id).status == "submitted"
    queue = client.get("/casestudies/grading").get_data(as_text=True)
    assert "梅江区笔录练习" in queue and "市局笔录练习" not in queue
