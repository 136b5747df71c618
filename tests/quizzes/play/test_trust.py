"""Quizzes one can trust: the letters the officer saw, sealed competitions, review options."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lianbing.dbtypes import to_local, utcnow
from lianbing.extensions import db
from quizzes import services as bank_services
from quizzes.models import Question
from quizzes.play import practice, seal, services
from quizzes.play.models import Attempt, AttemptItem, PracticeAnswer, WrongBookEntry

OFFICER = "officer_441402_1"
ALL = "score,responses,marks,keys,explanations"


def _qid(qbank, code):
    return bank_services.question_by_code(qbank.id, code).id


def _shuffled_attempt(client, auth, make_quiz, order=(2, 0, 1), **kw):
    """An attempt on S00 with options shown as ``order`` (stored 0, 正确项, shown as B)."""
    kw.setdefault("review_after", ALL)
    quiz = make_quiz(fixed=("S00",), shuffle_options=True, **kw)
    auth.login(OFFICER)
    r = client.post(f"/quizzes/q/{quiz.id}/start")
    attempt_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    item = db.session.scalar(select(AttemptItem).where(AttemptItem.attempt_id == attempt_id))
    item.option_order = list(order)
    db.session.commit()
    return quiz, attempt_id


def test_take_result_and_trainer_show_the_letter_the_officer_saw(client, auth, make_quiz):
    quiz, attempt_id = _shuffled_attempt(client, auth, make_quiz)
    page = client.get(f"/quizzes/attempt/{attempt_id}").get_data(as_text=True)
    assert "A. 错误项二" in page and "B. 正确项" in page and "C. 错误项一" in page
    # the officer ticks "B. 正确项": the browser sends that option's stored index, 0
    r = client.post(f"/quizzes/attempt/{attempt_id}/answer", json={"position": 1, "response": 0})
    assert r.status_code == 200
    client.post(f"/quizzes/attempt/{attempt_id}/submit")
    result = client.get(f"/quizzes/attempt/{attempt_id}/result").get_data(as_text=True)
    assert "B. 正确项" in result
    assert '你的答案：<strong class="your-answer">B</strong>' in result
    assert '正确答案：<strong class="the-key">B</strong>' in result
    auth.login("trainer")
    staff = client.get(f"/quizzes/attempt/{attempt_id}/result").get_data(as_text=True)
    assert '<strong class="your-answer">B</strong>' in staff and "B. 正确项" in staff


def test_sample_paper_key_follows_the_shuffled_options(app, make_quiz, user):
    quiz = make_quiz(
        fixed=(), draws=(("法律/大气", "single", 10),), shuffle_options=True, publish=False
    )
    for card in services.sample_paper(quiz, user("trainer").id):
        texts = [o["text"] for o in card["view"]["options"]]
        assert texts["ABC".index(card["key"])] == "正确项"


def test_tampered_answers_are_refused_and_change_nothing(client, auth, make_quiz, user):
    quiz, attempt_id = _shuffled_attempt(client, auth, make_quiz)
    url = f"/quizzes/attempt/{attempt_id}/answer"
    bad_index = client.post(url, json={"position": 1, "response": 7})
    assert bad_index.status_code == 400 and "选项" in bad_index.json["error"]
    bad_position = client.post(url, json={"position": 9, "response": 0})
    assert bad_position.status_code == 404 and "不在您的试卷上" in bad_position.json["error"]
    auth.login("officer_441402_2")
    theirs = client.post(url, json={"position": 1, "response": 0})
    assert theirs.status_code == 403 and "不是您的答题记录" in theirs.json["error"]
    item = db.session.scalar(select(AttemptItem).where(AttemptItem.attempt_id == attempt_id))
    db.session.refresh(item)
    assert item.response is None and item.answered_at is None


def test_exam_only_bank_never_reaches_practice(client, auth, qbank, user):
    bank_services.set_visibility(qbank, "exam")
    db.session.commit()
    officer = user(OFFICER)
    assert practice.pool(None) == [] and practice.daily_set(officer.id, utcnow().date()) == []
    db.session.add(WrongBookEntry(user_id=officer.id, question_id=_qid(qbank, "S01")))
    db.session.commit()
    assert practice.wrong_book(officer.id) == []
    auth.login(OFFICER)
    r = client.post(
        "/quizzes/practice/answer",
        json={"question_id": _qid(qbank, "S01"), "response": 0, "source": "random"},
    )
    assert r.status_code == 403 and "key" not in r.json
    assert client.get(f"/quizzes/wrongbook/{_qid(qbank, 'S01')}").status_code == 403
    assert qbank.name not in client.get("/quizzes/practice/").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PracticeAnswer)) == 0


def test_a_competition_pool_is_sealed_until_it_closes_for_everyone(app, make_quiz, qbank, user):
    quiz = make_quiz(fixed=("T00",), draws=(("法律/大气", "single", 2),), mode="competition")
    sealed = seal.sealed_ids()
    assert _qid(qbank, "T00") in sealed and _qid(qbank, "S05") in sealed
    assert _qid(qbank, "T01") not in sealed and _qid(qbank, "T01") in practice.pool(None)
    assert not set(practice.pool(None)) & sealed
    attempt = services.start_attempt(quiz, user(OFFICER))
    quiz.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert _qid(qbank, "T00") in seal.sealed_ids()  # one attempt is still open
    services.submit(attempt)
    db.session.commit()
    assert seal.sealed_ids() == set()


def test_practice_stays_closed_through_the_grace_window(client, auth, make_quiz, qbank, user):
    quiz = make_quiz(fixed=("S03",), mode="exam", time_limit_minutes=5)
    attempt = services.start_attempt(quiz, user(OFFICER))
    attempt.deadline_at = utcnow() - timedelta(seconds=2)
    db.session.commit()
    auth.login(OFFICER)
    r = client.post(
        "/quizzes/practice/answer",
        json={"question_id": _qid(qbank, "T02"), "response": True, "source": "random"},
    )
    assert r.status_code == 409 and "交卷后才能练习" in r.json["error"]
    attempt.deadline_at = utcnow() - timedelta(seconds=30)
    db.session.commit()
    r = client.post(
        "/quizzes/practice/answer",
        json={"question_id": _qid(qbank, "T02"), "response": True, "source": "random"},
    )
    assert r.status_code == 200
    assert db.session.get(Attempt, attempt.id).is_auto_submitted


def test_competition_shows_the_score_only_until_close(client, auth, make_quiz):
    quiz, attempt_id = _shuffled_attempt(
        client, auth, make_quiz, mode="competition", review_after=None
    )
    assert quiz.review_after == "score" and "keys" in quiz.review_closed
    client.post(f"/quizzes/attempt/{attempt_id}/answer", json={"position": 1, "response": 1})
    client.post(f"/quizzes/attempt/{attempt_id}/submit")
    page = client.get(f"/quizzes/attempt/{attempt_id}/result").get_data(as_text=True)
    assert 'id="score"' in page and "正确答案" not in page and "你的答案" not in page
    quiz.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    page = client.get(f"/quizzes/attempt/{attempt_id}/result").get_data(as_text=True)
    # stored option 1 (错误项一) was shown third: the officer chose C; the key 正确项 was B
    assert '<strong class="your-answer">C</strong>' in page
    assert '<strong class="the-key">B</strong>' in page


def test_trainer_sets_review_options_per_moment(client, auth, qbank):
    auth.login("trainer")
    form = {
        "title": "考试",
        "mode": "exam",
        "attempts_allowed": 1,
        "grading": "best",
        "audience": "all",
        "review_set": "1",
        "review_after": ["score", "responses"],
        "review_closed": ["score", "keys"],
    }
    assert client.post("/quizzes/manage/new", data=form).status_code == 302
    from quizzes.play.models import Quiz

    quiz = db.session.scalar(select(Quiz))
    assert quiz.review_after == "score,responses" and quiz.review_closed == "score,keys"
    bad = client.post(f"/quizzes/manage/{quiz.id}/edit", data={**form, "review_after": ["all"]})
    assert bad.status_code == 400 and "回顾选项无效" in bad.get_data(as_text=True)
    db.session.refresh(quiz)
    assert quiz.review_after == "score,responses"


def test_empty_practice_answer_is_not_an_answer(client, auth, qbank):
    auth.login(OFFICER)
    r = client.post(
        "/quizzes/practice/answer",
        json={"question_id": _qid(qbank, "S01"), "response": None, "source": "random"},
    )
    assert r.status_code == 400 and "请先作答" in r.json["error"]
    assert db.session.scalar(select(func.count()).select_from(WrongBookEntry)) == 0


def test_daily_set_is_fixed_for_the_day_and_resumes(client, auth, qbank, user):
    officer = user(OFFICER)
    day = to_local(utcnow()).date()  # the officer's day, as the page counts it (Beijing)
    before = practice.daily_set(officer.id, day)
    assert len(before) == 10
    auth.login(OFFICER)
    first = client.get("/quizzes/practice/daily").get_data(as_text=True)
    assert "第 1 题" in first
    version = bank_services.current_version(db.session.get(Question, before[0]))
    db.session.add(
        PracticeAnswer(
            user_id=officer.id,
            question_id=before[0],
            version_id=version.id,
            is_correct=False,
            source="daily",
        )
    )
    db.session.commit()
    assert practice.daily_set(officer.id, day) == before
    page = client.get("/quizzes/practice/daily").get_data(as_text=True)
    assert "· 第 2 题" in page and "第 2 题 · " in page


def test_wrong_book_item_opens_with_the_wrong_answer_key_and_explanation(client, auth, qbank):
    auth.login(OFFICER)
    qid = _qid(qbank, "S02")
    r = client.post(
        "/quizzes/practice/answer", json={"question_id": qid, "response": 2, "source": "random"}
    )
    assert r.status_code == 200 and not r.json["right"]
    book = client.get("/quizzes/wrongbook").get_data(as_text=True)
    assert f"/quizzes/wrongbook/{qid}" in book
    page = client.get(f"/quizzes/wrongbook/{qid}").get_data(as_text=True)
    assert "C. 错误项二" in page and '<strong id="key">A</strong>' in page
    assert client.get("/quizzes/wrongbook/999999").status_code == 404


def _new_quiz(client):
    form = {"title": "组卷", "mode": "exam", "attempts_allowed": 1, "grading": "best"}
    assert client.post("/quizzes/manage/new", data={**form, "audience": "all"}).status_code == 302
    from quizzes.play.models import Quiz

    return db.session.scalar(select(Quiz))


def test_bad_slot_requests_rerender_the_builder_with_the_reason(client, auth, qbank):
    auth.login("trainer")
    quiz = _new_quiz(client)
    slot = {"points": 1, "bank_id": qbank.id, "count": 1, "min_difficulty": 1, "max_difficulty": 5}
    unknown = client.post(
        f"/quizzes/manage/{quiz.id}/slots", data={**slot, "question_code": "NOPE"}
    )
    page = unknown.get_data(as_text=True)
    assert (
        unknown.status_code == 404 and "没有编号为“NOPE”的可用题目" in page and "添加题目" in page
    )
    no_category = client.post(f"/quizzes/manage/{quiz.id}/slots", data={**slot, "category_id": 0})
    assert no_category.status_code == 404 and "请选择随机抽题的分类" in no_category.get_data(
        as_text=True
    )
    db.session.refresh(quiz)
    assert quiz.slots == []


def test_trainer_browses_a_bank_and_ticks_questions_into_the_paper(client, auth, qbank):
    auth.login("trainer")
    quiz = _new_quiz(client)
    page = client.get(f"/quizzes/manage/{quiz.id}?bank={qbank.id}&q=判断题&qtype=truefalse")
    text = page.get_data(as_text=True)
    assert "T00" in text and "判断题 0" in text and "单选题 1" not in text
    ids = [_qid(qbank, "T00"), _qid(qbank, "T01")]
    r = client.post(f"/quizzes/manage/{quiz.id}/slots/pick", data={"question_id": ids, "points": 2})
    assert r.status_code == 302
    builder = client.get(f"/quizzes/manage/{quiz.id}").get_data(as_text=True)
    assert "固定题目 T00 判断题 0" in builder and "固定题目 T01 判断题 1" in builder
    bad = client.post(
        f"/quizzes/manage/{quiz.id}/slots/pick", data={"question_id": [999999], "points": 2}
    )
    assert bad.status_code == 404 and "不存在或已停用" in bad.get_data(as_text=True)
    db.session.refresh(quiz)
    assert [s.points for s in quiz.slots] == [2.0, 2.0]


def _competition_form(**kw):
    return {
        "title": "知识竞赛",
        "mode": "competition",
        "attempts_allowed": 1,
        "grading": "best",
        "audience": "all",
        **kw,
    }


def test_builder_refuses_a_common_start_that_closes_silently(client, auth, qbank):
    from quizzes.play.models import Quiz

    auth.login("trainer")
    silent = _competition_form(
        opens_at="2026-12-10T09:00", closes_at="2026-12-10T23:00", time_limit_minutes=10
    )
    r = client.post("/quizzes/manage/new", data=silent)
    assert r.status_code == 400 and "2026-12-10 09:10（开始时间加限时）就统一交卷" in r.get_data(
        as_text=True
    )
    short = _competition_form(
        opens_at="2026-12-10T09:00", closes_at="2026-12-10T09:05", time_limit_minutes=10
    )
    r = client.post("/quizzes/manage/new", data=short)
    assert r.status_code == 400 and "只有 5 分钟，短于限时 10 分钟" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Quiz)) == 0
    fine = _competition_form(
        opens_at="2026-12-10T09:00", closes_at="2026-12-10T09:10", time_limit_minutes=10
    )
    assert client.post("/quizzes/manage/new", data=fine).status_code == 302


def test_officer_sees_the_real_last_start_and_a_plain_summary(client, auth, make_quiz):
    opens = utcnow() - timedelta(minutes=1)
    quiz = make_quiz(
        mode="competition",
        time_limit_minutes=10,
        opens_at=opens,
        closes_at=opens + timedelta(minutes=10),
    )
    common_end = services.to_local(opens + timedelta(minutes=10)).strftime("%Y-%m-%d %H:%M")
    auth.login(OFFICER)
    listing = client.get("/quizzes/play/").get_data(as_text=True)
    assert f'最晚开始 <span class="last-start">{common_end}' in listing
    detail = client.get(f"/quizzes/q/{quiz.id}").get_data(as_text=True)
    assert "同时开始，限时 10 分钟" in detail and f"{common_end} 统一交卷，此后不能再开始" in detail
    exam = make_quiz(time_limit_minutes=30)
    detail = client.get(f"/quizzes/q/{exam.id}").get_data(as_text=True)
    assert "随时可以开始，限时 30 分钟，每人从自己开始时计时" in detail


def test_review_hides_keys_of_questions_in_an_unclosed_competition(client, auth, make_quiz):
    quiz, attempt_id = _shuffled_attempt(client, auth, make_quiz, mode="exam")
    client.post(f"/quizzes/attempt/{attempt_id}/submit")
    page = client.get(f"/quizzes/attempt/{attempt_id}/result").get_data(as_text=True)
    assert '<strong class="the-key">B</strong>' in page
    make_quiz(fixed=("S00",), mode="competition", title="下周竞赛")  # S00 is in its pool now
    page = client.get(f"/quizzes/attempt/{attempt_id}/result").get_data(as_text=True)
    assert "the-key" not in page and '<strong class="your-answer">' in page
