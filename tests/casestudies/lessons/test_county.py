"""County-run case lessons: a county admin (or attached trainer) authors lessons for its own
officers; other counties' officers do not see them; other counties' authors may not edit them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casestudies.lessons.models import CaseLesson
from casestudies.web import LESSON_NOT_FOR_YOU, LESSON_REFUSED
from lianbing.extensions import db


@pytest.fixture
def county_lesson(client, auth, demo_people):
    """A published lesson written by 梅江区's admin through the editor."""
    auth.login("admin_441402")
    r = client.post(
        "/casestudies/lessons/new",
        data={"title": "梅江区以案释法", "facts": "某厂偷排", "is_published": "y"},
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    return db.session.scalar(select(CaseLesson).where(CaseLesson.title == "梅江区以案释法"))


def test_a_county_lesson_belongs_to_the_county_and_reaches_its_own_officers(
    client, auth, county_lesson, find_user
):
    assert county_lesson.owner_bureau_id == find_user("admin_441402").bureau_id
    auth.login("officer_441402_1")
    assert client.get(f"/casestudies/lessons/{county_lesson.id}").status_code == 200
    assert "梅江区以案释法" in client.get("/casestudies/").get_data(as_text=True)

    auth.login("officer_441403_1")
    r = client.get(f"/casestudies/lessons/{county_lesson.id}")
    assert r.status_code == 403 and LESSON_NOT_FOR_YOU in r.get_data(as_text=True)
    assert "梅江区以案释法" not in client.get("/casestudies/").get_data(as_text=True)


@pytest.mark.parametrize(
    "who, status", [("admin_441402", 200), ("city_admin", 200), ("admin_441403", 403)]
)
def test_only_the_county_and_the_city_edit_a_county_lesson(
    client, auth, county_lesson, who, status
):
    auth.login(who)
    r = client.get(f"/casestudies/lessons/{county_lesson.id}/edit")
    assert r.status_code == status
    if status == 403:
        assert LESSON_REFUSED in r.get_data(as_text=True)


def test_a_county_admin_may_not_edit_a_city_lesson(client, auth, world):
    city = db.session.scalar(select(CaseLesson).where(CaseLesson.owner_bureau_id.is_(None)))
    auth.login("admin_441402")
    assert client.get(f"/casestudies/lessons/{city.id}").status_code == 200  # reads it
    r = client.post(f"/casestudies/lessons/{city.id}/edit", data={"title": "改"})
    assert r.status_code == 403 and LESSON_REFUSED in r.get_data(as_text=True)
    db.session.refresh(city)
    assert city.title != "改"
