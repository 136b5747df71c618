"""Done-when, in a real browser: a trainer imports a bank as 仅考试 and builds a shuffled
competition from it; an officer's practice, daily set and 错题本 never show those questions; the
officer takes the competition, and the result, review and trainer views show the letter the
officer saw; after the deadline nothing leaks and the review follows the chosen options."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianbing.accounts.models import User
from lianbing.dbtypes import to_local, utcnow
from lianbing.extensions import db
from quizzes import services as bank_services
from quizzes.play.models import Attempt, Quiz, WrongBookEntry
from quizzes.services import QuestionData

OFFICER = "officer_441402_1"
N = 6


def _local(dt) -> str:
    return to_local(dt).strftime("%Y-%m-%dT%H:%M")


def _exam_file(tmp_path):
    lines = ["一、单项选择题"]
    for i in range(1, N + 1):
        lines += [f"{i}、竞赛题{i}：排污单位应当如何处理（ ）。"]
        lines += [f"A、正确{i} B、错误{i}甲 C、错误{i}乙 D、错误{i}丙", "答案：A"]
    path = tmp_path / "竞赛题库.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _practice_bank():
    bank = bank_services.create_bank("练习题库")
    for i in range(4):
        bank_services.create_question(
            bank,
            QuestionData(qtype="truefalse", stem=f"练习判断{i}", content={"answer": True}),
        )
    db.session.commit()


def _import_exam_only(page, base, tmp_path) -> int:
    page.goto(f"{base}/quizzes/import")
    page.fill("input[name=bank]", "竞赛题库")
    page.set_input_files("input[name=file]", str(_exam_file(tmp_path)))
    page.select_option("select[name=visibility]", "exam")
    page.click("#import-form button[type=submit]")
    assert f"已导入 {N} 道题" in page.inner_text("#report-summary")
    return bank_services.bank_by_name("竞赛题库").id


def _build(page, base, bank_id) -> int:
    page.goto(f"{base}/quizzes/manage/new")
    page.fill("input[name=title]", "信任竞赛")
    page.select_option("select[name=mode]", "competition")
    page.fill("input[name=opens_at]", _local(utcnow() - timedelta(minutes=2)))
    page.fill("input[name=closes_at]", _local(utcnow() + timedelta(hours=2)))
    page.fill("input[name=time_limit_minutes]", "60")
    page.check("input[name=staggered_start]")
    page.check("input[name=shuffle_options]")
    page.click("main button[type=submit]")
    page.wait_for_url("**/quizzes/manage/*")
    quiz_id = int(page.url.rstrip("/").split("/")[-1])
    page.goto(f"{base}/quizzes/manage/{quiz_id}?bank={bank_id}")
    boxes = page.locator("#pick input[name=question_id]")
    assert boxes.count() == N
    for k in range(N):
        boxes.nth(k).check()
    page.fill("#pick-points", "2")
    with page.expect_navigation():
        page.click("#pick button[type=submit]")
    assert page.locator("tbody td", has_text="固定题目").count() == N
    assert "竞赛题1" in page.inner_text("main")
    page.click("form[action$='/publish'] button")
    page.wait_for_selector("text=已发布")
    return quiz_id


def _never_shows_exam_questions(page, base) -> None:
    for url in ("/quizzes/practice/random", "/quizzes/practice/sequential", "/quizzes/wrongbook"):
        page.goto(base + url)
        assert "竞赛题" not in page.inner_text("main")
    for i in range(12):
        page.goto(f"{base}/quizzes/practice/daily?i={i}")
        assert "竞赛题" not in page.inner_text("main")


def _letter(page, position: int, text: str) -> str:
    label = page.locator(f"#q{position} label", has_text=text)
    return label.inner_text().split(".")[0].strip()


def _pick(page, position: int, text: str) -> str:
    page.locator(f"#q{position} label", has_text=text).click()
    page.locator(f"#q{position} .save-state", has_text="已保存").wait_for()
    return _letter(page, position, text)


def _review(page, position: int) -> tuple[str, str]:
    card = page.locator(f".review-item[data-position='{position}']")
    return card.locator(".your-answer").inner_text(), card.locator(".the-key").inner_text()


def _practice_status(page, base, question_id: int) -> int:
    page.goto(f"{base}/quizzes/practice/random")
    return page.evaluate(
        """async (qid) => (await fetch('/quizzes/practice/answer', {method: 'POST',
            headers: {'Content-Type': 'application/json',
                      'X-CSRFToken': document.getElementById('csrf').value},
            body: JSON.stringify({question_id: qid, response: 0, source: 'random'})})).status""",
        question_id,
    )


def _officer_page(browser, base, login_page, officer, first_exam_id):
    """The officer (with one exam question in the wrong book) on a phone; confirm dialogs are
    accepted and their messages collected."""
    db.session.add(WrongBookEntry(user_id=officer.id, question_id=first_exam_id))
    db.session.commit()
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    dialogs: list[str] = []
    login_page(page, base, OFFICER)
    _never_shows_exam_questions(page, base)
    return page, dialogs


def _officer_takes(page, base, quiz_id, dialogs):
    """Answer one right and one wrong in the shuffled order; returns the two positions, the
    letters picked and the key of the second."""
    page.goto(f"{base}/quizzes/q/{quiz_id}")
    page.click("button:has-text('开始答题')")
    page.wait_for_url("**/quizzes/attempt/*")
    take_url = page.url
    order = {
        int(s.split("竞赛题")[1][0]): k + 1
        for k, s in enumerate(page.locator(".question .stem").all_inner_texts())
    }
    first, second = order[1], order[2]
    right = _pick(page, first, "正确1")
    wrong = _pick(page, second, "错误2乙")
    key_two = _letter(page, second, "正确2")
    page.goto(f"{base}/quizzes/practice/random")  # closed while the attempt is open
    assert "交卷后才能练习" in page.inner_text("main")
    page.goto(take_url)
    page.click("#submit-btn")
    page.wait_for_url("**/result")
    assert dialogs == [f"还有 {N - 2} 题未作答，确定交卷吗？"]
    result = page.inner_text("main")
    assert "2.0 / 12.0 分" in result and "正确答案" not in result and "你的答案" not in result
    return first, second, right, wrong, key_two


def test_sealed_shuffled_competition_end_to_end(
    app, browser, live_server, login_page, demo_people, campaign, tmp_path
):
    _practice_bank()
    tpage = browser.new_context().new_page()
    login_page(tpage, live_server, "trainer")
    bank_id = _import_exam_only(tpage, live_server, tmp_path)
    quiz_id = _build(tpage, live_server, bank_id)

    officer = db.session.scalar(select(User).where(User.username == OFFICER))
    exam_ids = [q.id for q in bank_services.bank_questions(bank_id)]
    page, dialogs = _officer_page(browser, live_server, login_page, officer, exam_ids[0])
    first, second, right, wrong, key_two = _officer_takes(page, live_server, quiz_id, dialogs)

    attempt = db.session.scalar(select(Attempt).where(Attempt.quiz_id == quiz_id))
    tpage.goto(f"{live_server}/quizzes/attempt/{attempt.id}/result")
    assert _review(tpage, first) == (right, right)
    assert _review(tpage, second) == (wrong, key_two)
    tpage.goto(f"{live_server}/quizzes/manage/{quiz_id}/attempts")
    assert "2.0 / 12.0" in tpage.inner_text("main")

    quiz = db.session.get(Quiz, quiz_id)
    quiz.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    _never_shows_exam_questions(page, live_server)
    assert _practice_status(page, live_server, exam_ids[1]) == 403
    page.goto(f"{live_server}/quizzes/attempt/{attempt.id}/result")
    assert _review(page, first) == (right, right)
    assert _review(page, second) == (wrong, key_two)
    assert (
        f"{wrong}. 错误2乙" in page.locator(f".review-item[data-position='{second}']").inner_text()
    )
