"""Quiz pages over HTTP: roles, taking, saving by JSON, one submission, boards, stats, bad input."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lianbing.counters import services as counters
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.ledger.models import ScoreEntry
from quizzes import load_all_demo
from quizzes import services as bank_services
from quizzes.models import Question, QuestionVersion
from quizzes.play import services
from quizzes.play.models import Attempt, AttemptItem, Quiz
from quizzes.services import QuestionData

OFFICER = "officer_441402_1"


def _start(client, quiz):
    r = client.post(f"/quizzes/q/{quiz.id}/start")
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    return int(r.headers["Location"].rstrip("/").split("/")[-1])


def _right(version):
    return {
        "single": 0,
        "multiple": [0, 1],
        "truefalse": version.content.get("answer"),
        "fill": ["十日"],
    }[version.qtype]


def test_officer_takes_a_quiz_reloads_and_submits_once(client, auth, make_quiz):
    quiz = make_quiz(
        fixed=("S00", "M01", "T00"),
        draws=(("法律/大气", "single", 2),),
        mode="competition",
        time_limit_minutes=90,
        staggered_start=True,
        shuffle_options=True,
        shuffle_questions=True,
    )
    auth.login(OFFICER)
    attempt_id = _start(client, quiz)
    page = client.get(f"/quizzes/attempt/{attempt_id}").get_data(as_text=True)
    assert "weight" not in page and "countdown" in page
    items = db.session.scalars(
        select(AttemptItem).where(AttemptItem.attempt_id == attempt_id)
    ).all()
    for item in items:
        version = db.session.get(QuestionVersion, item.version_id)
        r = client.post(
            f"/quizzes/attempt/{attempt_id}/answer",
            json={"position": item.position, "response": _right(version)},
        )
        assert r.status_code == 200 and r.json["ok"]
    assert _start(client, quiz) == attempt_id  # reload / another device: the same paper
    assert "checked" in client.get(f"/quizzes/attempt/{attempt_id}").get_data(as_text=True)
    assert client.post(f"/quizzes/attempt/{attempt_id}/submit").status_code == 302
    second = client.post(f"/quizzes/attempt/{attempt_id}/submit")
    assert second.status_code == 409 and "已经交卷" in second.get_data(as_text=True)
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.score == attempt.max_score == 8
    assert db.session.scalar(select(func.count()).select_from(ScoreEntry)) == 1
    result = client.get(f"/quizzes/attempt/{attempt_id}/result").get_data(as_text=True)
    assert "8.0 / 8.0" in result


def test_answer_after_submission_and_to_question_not_on_paper(client, auth, make_quiz):
    quiz = make_quiz()
    auth.login(OFFICER)
    attempt_id = _start(client, quiz)
    r = client.post(f"/quizzes/attempt/{attempt_id}/answer", json={"position": 42, "response": 0})
    assert r.status_code == 404 and "不在您的试卷上" in r.json["error"]
    r = client.post(f"/quizzes/attempt/{attempt_id}/answer", json={"position": 1, "response": 17})
    assert r.status_code == 400 and "选项不存在" in r.json["error"]
    r = client.post(f"/quizzes/attempt/{attempt_id}/answer", data="not json")
    assert r.status_code == 400
    client.post(f"/quizzes/attempt/{attempt_id}/submit")
    r = client.post(f"/quizzes/attempt/{attempt_id}/answer", json={"position": 1, "response": 0})
    assert r.status_code == 409
    assert db.session.scalar(select(func.count()).where(AttemptItem.response.is_not(None))) == 0


def test_answer_saves_over_the_ceiling_are_refused_and_not_stored(
    client, auth, make_quiz, monkeypatch
):
    """120 saves a minute pass; the 121st is refused (429) and its answer is not stored."""
    now = utcnow()
    monkeypatch.setattr(counters, "utcnow", lambda: now)
    quiz = make_quiz()
    auth.login(OFFICER)
    attempt_id = _start(client, quiz)
    url = f"/quizzes/attempt/{attempt_id}/answer"
    for n in range(120):
        r = client.post(url, json={"position": 1, "response": n % 2})
        assert r.status_code == 200, n
    r = client.post(url, json={"position": 1, "response": 2})
    assert r.status_code == 429
    item = db.session.scalar(
        select(AttemptItem).where(AttemptItem.attempt_id == attempt_id, AttemptItem.position == 1)
    )
    assert item.response == 1  # the 120th answer, not the refused one


@pytest.mark.parametrize("position", [True, False, 2**63, -1, "1", 1.0, None])
def test_answer_with_a_position_that_is_not_a_small_integer_is_refused(
    client, auth, make_quiz, position
):
    quiz = make_quiz()
    auth.login(OFFICER)
    attempt_id = _start(client, quiz)
    r = client.post(
        f"/quizzes/attempt/{attempt_id}/answer", json={"position": position, "response": 0}
    )
    assert r.status_code == 400 and r.json["error"] == "请求格式不正确"
    assert db.session.scalar(select(func.count()).where(AttemptItem.response.is_not(None))) == 0


def test_answer_after_deadline_is_refused(client, auth, make_quiz):
    quiz = make_quiz(time_limit_minutes=5)
    auth.login(OFFICER)
    attempt_id = _start(client, quiz)
    db.session.execute(
        Attempt.__table__.update().values(deadline_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    r = client.post(f"/quizzes/attempt/{attempt_id}/answer", json={"position": 1, "response": 0})
    assert r.status_code == 409 and "时间已到" in r.json["error"]
    assert db.session.get(Attempt, attempt_id).status == "submitted"


def test_other_officers_attempt_is_forbidden(client, auth, make_quiz):
    quiz = make_quiz()
    auth.login(OFFICER)
    attempt_id = _start(client, quiz)
    auth.logout()
    auth.login("officer_441402_2")
    assert (
        client.post(
            f"/quizzes/attempt/{attempt_id}/answer", json={"position": 1, "response": 0}
        ).status_code
        == 403
    )
    assert client.get(f"/quizzes/attempt/{attempt_id}").status_code == 403
    assert client.post(f"/quizzes/attempt/{attempt_id}/submit").status_code == 403
    polled = client.get(
        f"/quizzes/attempt/{attempt_id}/state", headers={"X-Requested-With": "fetch"}
    )
    assert polled.status_code == 403 and polled.json == {
        **polled.json,
        "ok": False,
        "error": "这不是您的答题记录",
    }
    assert db.session.get(Attempt, attempt_id).status == "open"


@pytest.mark.parametrize(
    "settings, status, text",
    [
        (
            {"opens_at": utcnow() + timedelta(days=1), "closes_at": utcnow() + timedelta(days=2)},
            409,
            "尚未开始",
        ),
        (
            {"opens_at": utcnow() - timedelta(days=2), "closes_at": utcnow() - timedelta(days=1)},
            409,
            "已经结束",
        ),
        ({"audience": "bureaus", "audience_ids": [-1]}, 403, "不面向"),
    ],
)
def test_start_refused(client, auth, make_quiz, settings, status, text):
    quiz = make_quiz(**settings)
    auth.login(OFFICER)
    r = client.post(f"/quizzes/q/{quiz.id}/start")
    assert r.status_code == status and text in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 0


def _new_competition(client) -> Quiz:
    r = client.post(
        "/quizzes/manage/new",
        data={
            "title": "新竞赛",
            "mode": "competition",
            "attempts_allowed": 1,
            "grading": "best",
            "review": "score",
            "audience": "all",
            "counts": "y",
        },
    )
    assert r.status_code == 302
    return db.session.scalar(select(Quiz))


def _add_draw(client, quiz, qbank, category, count: int):
    """POST a random-draw slot of `count` single-choice questions from 法律/大气."""
    return client.post(
        f"/quizzes/manage/{quiz.id}/slots",
        data={
            "points": 1,
            "bank_id": qbank.id,
            "count": count,
            "category_id": category("法律/大气").id,
            "qtype": "single",
            "min_difficulty": 1,
            "max_difficulty": 5,
        },
    )


def test_trainer_builds_a_quiz_and_too_large_draw_is_refused(client, auth, qbank, category):
    auth.login("trainer")
    quiz = _new_competition(client)
    bad = _add_draw(client, quiz, qbank, category, 13)
    assert bad.status_code == 409 and "只有 12 题" in bad.get_data(as_text=True)
    ok = _add_draw(client, quiz, qbank, category, 5)
    assert ok.status_code == 302
    builder = client.get(f"/quizzes/manage/{quiz.id}?preview=1").get_data(as_text=True)
    assert "样卷预览" in builder and "从“法律/大气”随机抽取 5 道单选题" in builder
    assert (
        client.post(f"/quizzes/manage/{quiz.id}/publish", data={"published": "1"}).status_code
        == 302
    )
    db.session.refresh(quiz)
    assert quiz.is_published and len(quiz.slots) == 1


def test_quiz_form_rejects_close_before_open(client, auth, qbank):
    auth.login("trainer")
    r = client.post(
        "/quizzes/manage/new",
        data={
            "title": "x",
            "mode": "exam",
            "attempts_allowed": 1,
            "grading": "best",
            "review": "score",
            "audience": "all",
            "opens_at": "2026-05-02T10:00",
            "closes_at": "2026-05-01T10:00",
        },
    )
    assert r.status_code == 400 and "结束时间须晚于开始时间" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Quiz)) == 0


@pytest.mark.parametrize(
    "username, path, status",
    [
        ("officer_441402_1", "/quizzes/manage/", 403),
        ("officer_441402_1", "/quizzes/essays", 403),
        ("admin_441402", "/quizzes/manage/", 200),
        ("trainer", "/quizzes/manage/", 200),
        ("city_admin", "/quizzes/essays", 200),
        ("trainer", "/quizzes/play/", 200),
        ("officer_441402_1", "/quizzes/play/", 200),
        ("officer_441402_1", "/quizzes/practice/", 200),
        ("officer_441402_1", "/quizzes/wrongbook", 200),
        ("officer_441402_1", "/quizzes/history", 200),
        ("officer_441402_1", "/quizzes/practice/daily", 200),
        ("officer_441402_1", "/quizzes/practice/random", 200),
        ("admin_441402", "/quizzes/overview", 200),
        ("officer_441402_1", "/quizzes/overview", 403),
        ("trainer", "/quizzes/overview", 403),
    ],
)
def test_role_matrix(client, auth, qbank, username, path, status):
    auth.login(username)
    assert client.get(path).status_code == status


def test_staff_pages_and_bureau_scoping(client, auth, make_quiz, user):
    quiz = make_quiz(fixed=("S00", "E01"), mode="competition")
    for name in ("officer_441402_1", "officer_441403_1"):
        attempt = services.start_attempt(quiz, user(name))
        services.save_answer(attempt.id, user(name), 1, 0)
        services.save_answer(attempt.id, user(name), 2, "现场检查须两人以上")
        services.submit(attempt)
    db.session.commit()
    auth.login("admin_441402")
    page = client.get(f"/quizzes/manage/{quiz.id}/attempts").get_data(as_text=True)
    assert (
        user("officer_441402_1").display_name in page
        and user("officer_441403_1").display_name not in page
    )
    assert client.get(f"/quizzes/manage/{quiz.id}/stats").status_code == 403
    auth.logout()
    auth.login("trainer")
    for path in (
        f"/quizzes/manage/{quiz.id}",
        f"/quizzes/manage/{quiz.id}/edit",
        f"/quizzes/manage/{quiz.id}/stats",
        f"/quizzes/q/{quiz.id}/board",
        f"/quizzes/q/{quiz.id}/projector",
        "/quizzes/essays",
    ):
        assert client.get(path).status_code == 200, path
    xlsx = client.get(f"/quizzes/manage/{quiz.id}/stats.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    item = services.essay_queue(quiz.id)[0]
    assert client.post(f"/quizzes/essays/{item.id}", data={"points": 99}).status_code == 400
    assert (
        client.post(f"/quizzes/essays/{item.id}", data={"points": 1, "feedback": "好"}).status_code
        == 302
    )
    assert db.session.get(AttemptItem, item.id).score == 1


def test_board_json_orders_ties_by_time_then_submission(client, auth, make_quiz, user):
    quiz = make_quiz(fixed=("S00",), mode="competition")
    start = utcnow() - timedelta(minutes=30)
    plan = [
        ("officer_441402_1", 0, 300),
        ("officer_441402_2", 0, 200),
        ("officer_441403_1", 1, 100),
        ("officer_441403_2", 0, 200),
    ]
    for i, (name, answer, seconds) in enumerate(plan):
        attempt = services.start_attempt(quiz, user(name), now=start)
        services.save_answer(attempt.id, user(name), 1, answer, now=start)
        services.submit(attempt, now=start + timedelta(seconds=seconds, milliseconds=i))
    db.session.commit()
    auth.login("officer_441422_1")
    data = client.get(f"/quizzes/q/{quiz.id}/board.json").json
    assert [r["name"] for r in data["individuals"]] == [
        user(n).display_name
        for n in ("officer_441402_2", "officer_441403_2", "officer_441402_1", "officer_441403_1")
    ]
    bureaus = {b["bureau"]: b for b in data["bureaus"]}
    assert bureaus["梅江区"]["participants"] == 2 and bureaus["梅江区"]["rate"] == 0.4
    assert bureaus["梅县区"]["average"] == 1.0


def test_board_is_frozen_at_close(client, auth, make_quiz, user):
    quiz = make_quiz(fixed=("S00",), mode="competition")
    attempt = services.start_attempt(quiz, user(OFFICER))
    services.submit(attempt)
    quiz.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    auth.login(OFFICER)
    data = client.get(f"/quizzes/q/{quiz.id}/board.json").json
    assert data["frozen"] and len(data["individuals"]) == 1
    db.session.refresh(quiz)
    assert quiz.frozen_board is not None


def test_practice_answer_json_and_tampering(client, auth, qbank):
    from quizzes import services as bank_services

    auth.login(OFFICER)
    qid = bank_services.question_by_code(qbank.id, "S03").id
    r = client.post(
        "/quizzes/practice/answer", json={"question_id": qid, "response": 2, "source": "random"}
    )
    assert r.status_code == 200 and r.json["right"] is False and r.json["key"] == "A"
    r = client.post(
        "/quizzes/practice/answer", json={"question_id": qid, "response": 9, "source": "random"}
    )
    assert r.status_code == 400
    assert "错题本" in client.get("/quizzes/wrongbook").get_data(as_text=True)
    assert "单选题 3" in client.get("/quizzes/wrongbook").get_data(as_text=True)


def test_demo_loads_twice(app, demo_people, campaign):
    load_all_demo(campaign.id)
    db.session.commit()
    load_all_demo(campaign.id)
    db.session.commit()
    # practice, the competition's past and open rounds, a test to come
    assert db.session.scalar(select(func.count()).select_from(Quiz)) == 4
    taken = select(func.count()).select_from(Attempt).where(Attempt.status == "submitted")
    assert db.session.scalar(select(func.count()).select_from(ScoreEntry)) == db.session.scalar(
        taken
    )
    assert db.session.scalar(taken) > 20


def test_practice_page_carries_the_question_id_and_no_key(client, auth, qbank, category):
    import re

    auth.login(OFFICER)
    page = client.get(f"/quizzes/practice/sequential?category={category('法律/大气').id}").get_data(
        as_text=True
    )
    assert re.search(r'data-question="\d+"', page)
    assert "weight" not in page and "单选题 0" in page


def test_practice_is_closed_while_a_competition_attempt_is_open(
    client, auth, qbank, make_quiz, user
):
    """Practice shows keys at once: during an open competition it would leak the paper's answers."""
    from quizzes import services as bank_services

    quiz = make_quiz(
        fixed=("S03",),
        mode="competition",
        time_limit_minutes=30,
        opens_at=utcnow() - timedelta(minutes=1),
        closes_at=None,
    )
    attempt = services.start_attempt(quiz, user(OFFICER))
    db.session.commit()
    auth.login(OFFICER)
    qid = bank_services.question_by_code(qbank.id, "S03").id
    r = client.post(
        "/quizzes/practice/answer", json={"question_id": qid, "response": 0, "source": "random"}
    )
    assert r.status_code == 409 and "key" not in r.json and "交卷后才能练习" in r.json["error"]
    assert client.get("/quizzes/practice/random").status_code == 303
    services.submit(attempt)
    db.session.commit()
    r = client.post(
        "/quizzes/practice/answer", json={"question_id": qid, "response": 0, "source": "random"}
    )
    # submitted, but the competition is still open for others: its questions stay sealed
    assert r.status_code == 403 and "key" not in r.json and "只用于考试或竞赛" in r.json["error"]
    quiz.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    r = client.post(
        "/quizzes/practice/answer", json={"question_id": qid, "response": 0, "source": "random"}
    )
    assert r.status_code == 200 and r.json["key"] == "A"


def test_no_start_button_once_the_single_attempt_is_used(client, auth, make_quiz):
    quiz = make_quiz(attempts_allowed=1)
    auth.login(OFFICER)
    assert "开始答题" in client.get(f"/quizzes/q/{quiz.id}").get_data(as_text=True)
    attempt_id = _start(client, quiz)
    assert "继续答题" in client.get(f"/quizzes/q/{quiz.id}").get_data(as_text=True)
    assert client.post(f"/quizzes/attempt/{attempt_id}/submit").status_code == 302
    page = client.get(f"/quizzes/q/{quiz.id}").get_data(as_text=True)
    assert "开始答题" not in page and "继续答题" not in page
    assert 'id="attempts-used"' in page and "已全部答完" in page


def _paper(attempt_id: int) -> list[tuple[int, int]]:
    return list(
        db.session.execute(
            select(AttemptItem.question_id, AttemptItem.version_id).where(
                AttemptItem.attempt_id == attempt_id
            )
        )
    )


def test_a_start_sees_every_change_to_the_quiz_and_its_bank(client, auth, make_quiz, qbank):
    """The start keeps the quiz's draw plan per version: an edit of the quiz, of a question or a
    bulk import reaches the next start (the plan kept by the first one is not used again)."""
    quiz = make_quiz(fixed=("S00",), draws=(("法律/水", "truefalse", 5),))
    auth.login(OFFICER)
    first = _start(client, quiz)
    first_versions = {v for _, v in _paper(first)}
    # the first start froze the versions it drew: an edit makes a new version of S00
    s00 = db.session.scalar(select(Question).where(Question.code == "S00"))
    bank_services.update_question(s00, replace(bank_services.to_data(s00), stem="单选题 0（修订）"))
    truefalse = db.session.scalars(select(Question).where(Question.qtype == "truefalse")).all()
    bank_services.bulk_set_active(qbank, [truefalse[0].id], False)
    db.session.commit()
    revised = bank_services.current_version(s00).id
    auth.login("officer_441402_2")
    second = _paper(_start(client, quiz))
    assert (s00.id, revised) in second and revised not in first_versions
    assert truefalse[0].id not in {q for q, _ in second}
    # one question too few now: refused, as the bank says
    bank_services.bulk_set_active(qbank, [truefalse[1].id], False)
    db.session.commit()
    auth.login("officer_441402_3")
    r = client.post(f"/quizzes/q/{quiz.id}/start")
    assert r.status_code == 409 and "不足" in r.get_data(as_text=True)
    # a bulk import (no ORM change events) brings the pool back
    new = QuestionData(
        qtype="truefalse", stem="新增判断题", content={"answer": True}, category="法律/水"
    )
    bank_services.add_many(qbank, [new.cleaned()[0]], None)
    db.session.commit()
    assert _start(client, quiz)
    # closing the quiz refuses the next start
    db.session.get(Quiz, quiz.id).closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    auth.login("officer_441402_4")
    r = client.post(f"/quizzes/q/{quiz.id}/start")
    assert r.status_code == 409 and "已经结束" in r.get_data(as_text=True)
