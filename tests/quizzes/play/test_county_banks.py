"""County banks (decision 0018) in practice and daily sets, and bank names per owner: an officer
draws from the city's banks and their own county's, never another county's; two counties may
each have a bank of the same name, the city one more, but no owner two."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from quizzes import services as bank_services
from quizzes.models import Bank, Question
from quizzes.play import practice
from quizzes.services import QuestionData

NAME = "大气法规"


def _bank(name: str, owner: int | None, prefix: str, n: int = 3) -> Bank:
    bank = bank_services.create_bank(name, owner_bureau_id=owner)
    for i in range(n):
        bank_services.create_question(
            bank,
            QuestionData(
                qtype="truefalse", stem=f"{prefix} 判断 {i}", content={"answer": True}, code=f"Q{i}"
            ),
        )
    db.session.commit()
    return bank


@pytest.fixture
def banks(user):
    """The city's bank and a bank of each of two counties, all called 大气法规 (练习 by default)."""
    mine, other = user("officer_441402_1").bureau_id, user("officer_441403_1").bureau_id
    return {
        "city": _bank(NAME, None, "市局"),
        "mine": _bank(NAME, mine, "梅江"),
        "other": _bank(NAME, other, "梅县"),
    }


def _ids(bank: Bank) -> set[int]:
    return set(db.session.scalars(select(Question.id).where(Question.bank_id == bank.id)))


def test_practice_draws_only_from_the_city_and_the_officer_s_own_county(banks, user):
    officer = user("officer_441402_1")
    drawn = set(practice.pool(None, officer.id))
    assert drawn == _ids(banks["city"]) | _ids(banks["mine"])
    assert not drawn & _ids(banks["other"])
    # the other county's officer sees its own bank and the city's, never 梅江's
    assert set(practice.pool(None, user("officer_441403_1").id)) == _ids(banks["city"]) | _ids(
        banks["other"]
    )


def test_random_and_sequential_draws_and_the_daily_set_stay_in_scope(banks, user):
    officer, allowed = user("officer_441402_1"), _ids(banks["city"]) | _ids(banks["mine"])
    for _ in range(20):
        assert practice.next_question(officer.id, None, "random") in allowed
    assert practice.next_question(officer.id, None, "sequential") in allowed
    daily = practice.daily_set(officer.id, utcnow().date())
    assert set(daily) == allowed  # six questions allowed, a set of up to ten: all of them


def test_a_category_of_another_county_s_bank_yields_nothing(banks, user):
    bank_services.ensure_category(banks["other"], "法规")
    other_cat = bank_services.ensure_category(banks["other"], "法规")
    db.session.execute(
        Question.__table__.update()
        .where(Question.bank_id == banks["other"].id)
        .values(category_id=other_cat.id)
    )
    db.session.commit()
    assert practice.next_question(user("officer_441402_1").id, other_cat.id, "random") is None


def test_answering_another_county_s_question_is_refused(banks, user):
    officer, qid = user("officer_441402_1"), min(_ids(banks["other"]))
    with pytest.raises(practice.PracticeError, match="其他单位的题库") as refused:
        practice.answer(officer.id, qid, True, "random")
    assert refused.value.status == 403
    assert practice.stats(officer.id)["answered"] == 0


def test_the_practice_page_refuses_another_county_s_question(client, auth, banks):
    auth.login("officer_441402_1")
    qid = min(_ids(banks["other"]))
    r = client.post(
        "/quizzes/practice/answer",
        json={"question_id": qid, "response": True, "source": "random"},
        headers={"X-Requested-With": "fetch"},
    )
    assert r.status_code == 403 and "其他单位的题库" in r.get_json()["error"]


def test_bank_names_are_unique_per_owner(banks, user):
    mine = user("officer_441402_1").bureau_id
    assert db.session.scalar(select(func.count(Bank.id)).where(Bank.name == NAME)) == 3
    with pytest.raises(bank_services.BankError, match="市局已有题库“大气法规”") as city:
        bank_services.create_bank(NAME)
    with pytest.raises(bank_services.BankError, match="本单位已有题库“大气法规”") as county:
        bank_services.create_bank(f" {NAME} ", owner_bureau_id=mine)
    assert city.value.status == county.value.status == 409
    assert bank_services.bank_by_name(NAME).id == banks["city"].id
    assert bank_services.bank_by_name(NAME, mine).id == banks["mine"].id


@pytest.mark.parametrize("owner", ["city", "mine"])
def test_the_database_holds_names_unique_per_owner(banks, user, owner):
    bureau = None if owner == "city" else user("officer_441402_1").bureau_id
    db.session.add(Bank(name=NAME, owner_bureau_id=bureau))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_county_creates_its_own_bank_of_a_city_bank_s_name_on_the_page(client, auth, banks):
    # a third county (大埔) has none yet: its admin's 大气法规 is its own, the city's untouched
    auth.login("admin_441422")
    r = client.post("/quizzes/banks", data={"name": NAME, "description": ""})
    assert r.status_code == 302
    owners = set(db.session.scalars(select(Bank.owner_bureau_id).where(Bank.name == NAME)))
    assert len(owners) == 4 and None in owners
    r = client.post("/quizzes/banks", data={"name": NAME, "description": ""})
    assert r.status_code == 409 and "本单位已有题库" in r.get_data(as_text=True)
