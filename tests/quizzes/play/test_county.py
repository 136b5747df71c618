"""County-run quizzes and competitions: a county author works for its own bureau's officers,
from the city's banks (read-only) or its own, and is refused everything else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lianbing.accounts import services as accounts
from lianbing.accounts.demo import DEMO_PASSWORD
from lianbing.accounts.models import User
from lianbing.audit.models import AuditLog
from lianbing.errors import Forbidden
from lianbing.extensions import db
from lianbing.ledger.models import ExpectedActivity
from quizzes import authoring
from quizzes import services as bank_services
from quizzes.notices import notices
from quizzes.play import services
from quizzes.play.models import Quiz
from quizzes.services import QuestionData

pytestmark = pytest.mark.usefixtures("campaign")


@pytest.fixture
def county_quiz(qbank, user):
    """Factory: a county's quiz drawn from the city bank, published unless told otherwise."""

    def make(admin="admin_441402", publish=True, **kw):
        author = user(admin)
        now = services.utcnow()
        data = services.QuizData(
            title=kw.pop("title", "县局知识竞赛"),
            mode=kw.pop("mode", "competition"),
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(hours=1),
            staggered_start=True,
            **kw,
        )
        quiz = services.create_quiz(data, author.id, authoring.owner_for(author))
        for code in ("S00", "E01"):
            services.add_slot(
                quiz, services.SlotData(points=2.0, bank_id=qbank.id, question_code=code)
            )
        if publish:
            services.publish(quiz)
        db.session.commit()
        return quiz

    return make


def _forbidden_rows() -> int:
    return db.session.scalar(
        select(func.count(AuditLog.id)).where(AuditLog.action == "auth.forbidden")
    )


# --- services ------------------------------------------------------------------------------


def test_a_county_quiz_for_everyone_is_for_its_own_officers_only(county_quiz, user):
    quiz = county_quiz()
    own, other = user("officer_441402_1"), user("officer_441403_1")

    assert quiz.owner_bureau_id == own.bureau_id
    assert services.in_audience(quiz, own) and not services.in_audience(quiz, other)
    assert quiz in services.available_quizzes(own, services.utcnow())
    assert quiz not in services.available_quizzes(other, services.utcnow())
    assert services.start_reasons(quiz, other, services.utcnow())[1] == 403


def test_a_county_quiz_is_expected_only_of_its_own_bureau(county_quiz, user):
    quiz = county_quiz()
    row = db.session.scalar(
        select(ExpectedActivity).where(ExpectedActivity.ref == f"quiz:{quiz.id}")
    )
    assert row.audience == "bureaus"
    assert [m.bureau_id for m in row.members] == [user("admin_441402").bureau_id]


@pytest.mark.parametrize("audience", ["bureaus", "users"])
def test_a_county_author_naming_another_bureau_is_refused(county_quiz, user, audience):
    other = user("officer_441403_1")
    ids = [other.bureau_id] if audience == "bureaus" else [other.id]
    with pytest.raises(services.PlayError) as err:
        county_quiz(audience=audience, audience_ids=ids, publish=False)
    assert err.value.status == 403
    assert str(err.value) == authoring.AUDIENCE_REFUSED


def test_the_city_quiz_is_unchanged_and_open_to_every_bureau(make_quiz, user):
    quiz = make_quiz()
    assert quiz.owner_bureau_id is None
    assert services.in_audience(quiz, user("officer_441403_1"))


def test_a_county_quiz_draws_from_the_city_bank_and_its_own_not_another_county(county_quiz, user):
    quiz = county_quiz(publish=False)
    neighbour = bank_services.create_bank(
        "蕉岭题库", owner_bureau_id=user("admin_441427").bureau_id
    )
    own = bank_services.create_bank("梅江题库", owner_bureau_id=quiz.owner_bureau_id)
    data = QuestionData(qtype="truefalse", stem="自编判断题", content={"answer": True}, code="K1")
    for b in (neighbour, own):
        bank_services.create_question(b, data)
    db.session.flush()

    services.add_slot(quiz, services.SlotData(points=1.0, bank_id=own.id, question_code="K1"))
    with pytest.raises(services.PlayError) as err:
        services.add_slot(
            quiz, services.SlotData(points=1.0, bank_id=neighbour.id, question_code="K1")
        )
    assert err.value.status == 403
    theirs = bank_services.question_by_code(neighbour.id, "K1")
    with pytest.raises(services.PlayError):
        services.add_fixed_questions(quiz, [theirs.id], 1.0)
    assert len(quiz.slots) == 3


def test_competition_notices_reach_only_the_county_s_officers(county_quiz, user, app):
    quiz = county_quiz()
    with app.test_request_context():
        found = {
            n.user_id for n in notices(services.utcnow()) if n.event_key == f"quiz-open:{quiz.id}"
        }
    bureaus = {db.session.get(User, uid).bureau_id for uid in found}
    assert found and bureaus == {quiz.owner_bureau_id}


def test_another_county_cannot_mark_the_county_s_essays(county_quiz, user):
    quiz = county_quiz()
    officer = user("officer_441402_1")
    attempt = services.start_attempt(quiz, officer)
    services.save_answer(attempt.id, officer, 2, "笔录须两人以上")
    services.submit(attempt)
    item = services.essay_queue(quiz.id)[0]

    assert services.essay_queue(quiz.id, user("admin_441403").bureau_id) == []
    with pytest.raises(Forbidden):
        services.grade_essay(item.id, 1.0, "", user("admin_441403"))
    services.grade_essay(item.id, 1.0, "", user("admin_441402"))
    assert item.score == 1.0


# --- views: who may open what ------------------------------------------------------------------

#: (author, may open a county-441402 quiz, may open a city quiz)
AUTHORS = [
    ("city_admin", True, True),
    ("trainer", True, True),  # the demo trainer belongs to the city bureau
    ("admin_441402", True, False),
    ("trainer_441402", True, False),  # a trainer attached to the county
    ("admin_441403", False, False),
]
PAGES = ["/quizzes/manage/{id}", "/quizzes/manage/{id}/edit", "/quizzes/manage/{id}/stats"]


@pytest.fixture
def county_trainer(make_user):
    return make_user("trainer", "441402", username="trainer_441402")


@pytest.mark.parametrize("who, county_ok, city_ok", AUTHORS, ids=[a[0] for a in AUTHORS])
def test_authoring_matrix(
    client, auth, county_quiz, make_quiz, county_trainer, who, county_ok, city_ok
):
    county, city = county_quiz(), make_quiz(title="市局测验")
    auth.login(who)
    for quiz, ok in ((county, county_ok), (city, city_ok)):
        for page in PAGES:
            before = _forbidden_rows()
            r = client.get(page.format(id=quiz.id))
            assert r.status_code == (200 if ok else 403), (page, quiz.title)
            if not ok:
                assert "只能管理本单位组织的测验和竞赛" in r.get_data(as_text=True)
                assert _forbidden_rows() == before + 1
        r = client.post(f"/quizzes/manage/{quiz.id}/publish", data={"published": "0"})
        assert r.status_code == (302 if ok else 403)
    listed = client.get("/quizzes/manage/").get_data(as_text=True)
    assert ("县局知识竞赛" in listed) == county_ok
    assert ("市局测验" in listed) == city_ok


def test_a_county_admin_builds_a_competition_for_its_own_officers(client, auth, qbank, user):
    auth.login("admin_441402")
    r = client.post(
        "/quizzes/manage/new",
        data={"title": "梅江区法律知识竞赛", "mode": "competition", "audience": "all"}
        | {"attempts_allowed": 1, "grading": "best", "counts": "y"},
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    quiz = db.session.scalar(select(Quiz).where(Quiz.title == "梅江区法律知识竞赛"))
    assert quiz.owner_bureau_id == user("admin_441402").bureau_id
    page = client.get(f"/quizzes/manage/{quiz.id}/edit").get_data(as_text=True)
    assert "梅江区" in page and "梅县区" not in page


def test_a_county_admin_is_refused_an_audience_of_another_bureau(client, auth, qbank, user):
    auth.login("admin_441402")
    r = client.post(
        "/quizzes/manage/new",
        data={"title": "越权竞赛", "mode": "competition", "audience": "bureaus"}
        | {"audience_bureaus": user("officer_441403_1").bureau_id, "attempts_allowed": 1}
        | {"grading": "best"},
    )
    assert r.status_code == 403
    assert authoring.AUDIENCE_REFUSED in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Quiz.id)).where(Quiz.title == "越权竞赛")) == 0


def test_a_county_bank_is_the_county_s_and_the_city_bank_is_read_only(client, auth, qbank, user):
    auth.login("admin_441402")
    r = client.post("/quizzes/banks", data={"name": "梅江区自编题库", "description": ""})
    assert r.status_code == 302
    assert bank_services.bank_by_name("梅江区自编题库") is None  # not a city bank
    own = bank_services.bank_by_name("梅江区自编题库", user("admin_441402").bureau_id)
    assert own.owner_bureau_id is not None
    assert client.get(f"/quizzes/banks/{qbank.id}").status_code == 200
    r = client.post(f"/quizzes/banks/{qbank.id}/visibility", data={"visibility": "exam"})
    assert r.status_code == 403 and authoring.BANK_READ_ONLY in r.get_data(as_text=True)
    auth.login("admin_441403")
    assert client.get(f"/quizzes/banks/{own.id}").status_code == 403
    assert "梅江区自编题库" not in client.get("/quizzes/banks").get_data(as_text=True)


def test_a_province_admin_lists_its_counties_quizzes_and_never_another_provinces(
    client, auth, county_quiz, user
):
    county_quiz(title="梅江区专题竞赛")
    provinces = {
        "gd_admin": accounts.ensure_bureau("广东省厅", "广东省厅", "440000", "province", None),
        "hn_admin": accounts.ensure_bureau("湖南省厅", "湖南省厅", "430000", "province", None),
    }
    user("admin_441402").bureau.parent.parent_id = provinces["gd_admin"].id
    for name, bureau in provinces.items():
        data = accounts.UserData(name, name, "bureau_admin", bureau.id, password=DEMO_PASSWORD)
        accounts.create_user(data)
    db.session.commit()
    for name, shown in (("gd_admin", True), ("hn_admin", False), ("admin_441403", False)):
        auth.login(name)
        assert ("梅江区专题竞赛" in client.get("/quizzes/overview").get_data(as_text=True)) == shown
        auth.logout()
