"""Two app machines on one PostgreSQL and one Redis behave as one: every request of a browser
goes to the other machine than the one before (tests/lianbing/machines.py).

Login failures counted on both lock the account; a logout, a password change or a deactivation
on one machine refuses the session on the other at once; a result, a published article and a
submitted bulletin made on one machine show in the other's cached ranking, board, column and
bulletin board; a competition started, answered and submitted across both stores every answer
once; a ranking export started on one machine shows its progress, while a worker runs it, and
its download on both. Skipped on SQLite (one machine's file) and where no Redis answers.
"""

from __future__ import annotations

import io
import re
import secrets
from dataclasses import replace
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from lianbing import TestingConfig, create_app
from lianbing.accounts.services import PAIR_LIMIT
from lianbing.campaign import schedule
from lianbing.campaign.bulletins import services as bulletins
from lianbing.campaign.column import services as column
from lianbing.counters.services import redis_client
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.jobs import queue
from lianbing.jobs.kinds import REGISTRY_KEY
from quizzes import services as bank
from quizzes.models import Category
from quizzes.play import services as play
from quizzes.play.models import Attempt, AttemptItem
from tests.conftest import PASSWORD
from tests.lianbing.machines import REDIS_URL, Browser, redis_reason, start_machines

#: one pair of machines per test run: under pytest-xdist (``--dist loadgroup``) these tests share
#: a worker instead of each worker booting its own pair
pytestmark = pytest.mark.xdist_group("two-machines")
PAPER = 4
OPTIONS = [{"text": t, "weight": w} for t, w in (("甲", 1.0), ("乙", 0), ("丙", 0), ("丁", 0))]


@pytest.fixture(scope="module")
def machines(app):
    """Machines A and B on the tests' PostgreSQL database and Redis, one secret key."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("two machines share a PostgreSQL server (TEST_DATABASE_URL); SQLite is a file")
    reason = redis_reason()
    if reason:
        pytest.skip(f"two machines share Redis: {reason}")
    token = secrets.token_hex(4)
    prefix, jobs_queue = f"test-machines-{token}:", f"test-machines-jobs-{token}"
    env = {
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(16),
        "REDIS_URL": REDIS_URL,
        "REDIS_PREFIX": prefix,
        "JOBS_QUEUE": jobs_queue,
        "LOG_LEVEL": "WARNING",
    }
    started = start_machines("AB", env)
    yield {"machines": started, "prefix": prefix, "env": env}
    for machine in started:
        machine.stop()
    _forget(prefix)
    _forget(f"rq:*{jobs_queue}")


def _forget(pattern: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(pattern + "*"):
        client.delete(key)


@pytest.fixture
def browser(machines):
    """Factory: a new browser alternating between A and B, starting with A. The machines'
    Redis keys are forgotten after each test, as its database rows are."""
    yield lambda: Browser(machines["machines"])
    _forget(machines["prefix"])


def _logged_in(browser, user) -> Browser:
    """A browser logged in as ``user`` (login page on A, form on B), next request on A."""
    b = browser()
    page = b.login(user.username, PASSWORD)
    assert page.status == 302, page.text[:300]
    return b


def _home_ok(b: Browser, on: str) -> bool:
    page = b.get("/home", on=on)
    return page.status == 200 and "退出" in page.text


def _refused(b: Browser, on: str) -> bool:
    page = b.get("/home", on=on)
    return page.status == 302 and "/login" in page.location


# --- login throttling and session revocation ---------------------------------------------


def test_failed_logins_on_both_machines_lock_the_account(browser, make_user):
    officer = make_user("officer")
    b = browser()
    token = b.get("/login", on="A").csrf()
    for _ in range(PAIR_LIMIT):  # on B, A, B, A, B
        page = b.post(
            "/login", {"username": officer.username, "password": "wrong", "csrf_token": token}
        )
        assert "用户名或密码错误" in page.text
    right = {"username": officer.username, "password": PASSWORD, "csrf_token": token}
    for machine in "AB":
        page = b.post("/login", right, on=machine)
        assert page.status == 429 and "登录失败次数过多" in page.text


def test_a_logout_on_one_machine_ends_the_session_on_the_other(browser, make_user):
    b = _logged_in(browser, make_user("officer"))
    assert _home_ok(b, "A") and _home_ok(b, "B")  # both machines now keep the session
    kept = b.copy()
    token = b.get("/home", on="A").csrf()
    assert b.post("/logout", {"csrf_token": token}, on="B").status == 302
    assert _refused(kept, "A") and _refused(kept, "B")  # a kept copy of the cookie is dead
    assert _refused(b, "A")


def test_a_password_change_on_one_machine_ends_other_sessions_on_the_other(browser, make_user):
    officer = make_user("officer")
    desk, phone = _logged_in(browser, officer), _logged_in(browser, officer)
    assert _home_ok(phone, "A") and _home_ok(phone, "B")
    token = desk.get("/account/password", on="A").csrf()
    form = {"old_password": PASSWORD, "new_password": "Lb-" + secrets.token_hex(8)}
    form["confirm"] = form["new_password"]
    page = desk.post("/account/password", {**form, "csrf_token": token}, on="B")
    assert page.status == 302, page.text[:500]
    assert _refused(phone, "A") and _refused(phone, "B")
    assert _home_ok(desk, "A") and _home_ok(desk, "B")  # the browser that changed it goes on


def test_a_deactivation_on_one_machine_refuses_the_session_on_the_other(browser, make_user):
    officer, admin = make_user("officer"), make_user("city_admin")
    b, boss = _logged_in(browser, officer), _logged_in(browser, admin)
    assert _home_ok(b, "A") and _home_ok(b, "B")
    token = boss.get("/roster", on="A").csrf()
    page = boss.post(f"/roster/{officer.id}/active", {"csrf_token": token}, on="B")
    assert page.status == 302
    assert _refused(b, "A") and _refused(b, "B")


# --- a competition across both machines, and the caches of what it changes ---------------


def _competition() -> int:
    """A published, open competition of the active campaign: PAPER one-point single-choice
    questions, option 甲 right, options in their stored order."""
    questions = bank.create_bank("两机题库")
    for n in range(PAPER):
        bank.create_question(
            questions,
            bank.QuestionData(
                qtype="single", stem=f"题 {n}", content={"options": OPTIONS}, category="竞赛"
            ),
        )
    quiz = play.create_quiz(
        play.QuizData(
            title="两机竞赛",
            mode="competition",
            time_limit_minutes=60,
            opens_at=utcnow() - timedelta(minutes=1),
            closes_at=utcnow() + timedelta(hours=2),
            staggered_start=True,
        ),
        None,
    )
    category = db.session.scalar(select(Category))
    play.add_slot(
        quiz, play.SlotData(points=1, category_id=category.id, qtype="single", count=PAPER)
    )
    play.publish(quiz)
    db.session.commit()
    return quiz.id


_ROW = re.compile(r'<tr data-user="(\d+)".*?<td class="text-end fw-bold">([^<]*)<', re.S)


def _score(page, user_id: int) -> float:
    """The officer's composite on a ranking page (the officer must be listed)."""
    assert page.status == 200, page.status
    return float(dict(_ROW.findall(page.text))[str(user_id)])


def _board_row(page, user_id: int):
    rows = [r for r in page.json()["individuals"] if r.get("user_id") == user_id]
    return rows[0] if rows else None


_ATTEMPT = re.compile(r"/attempt/(\d+)$")


def _take(b: Browser, quiz_id: int) -> tuple[int, str]:
    """Start on B after reading the quiz page on A; the paper on A: (attempt id, CSRF token)."""
    token = b.get(f"/quizzes/q/{quiz_id}", on="A").csrf()
    started = b.post(f"/quizzes/q/{quiz_id}/start", {"csrf_token": token}, on="B")
    assert started.status == 302, started.text[:300]
    attempt_id = int(_ATTEMPT.search(started.location).group(1))
    paper = b.get(f"/quizzes/attempt/{attempt_id}", on="A")
    assert paper.status == 200
    return attempt_id, paper.csrf()


def test_a_competition_across_both_machines_stores_every_answer_once_and_ranks_it(
    browser, make_user, campaign
):
    officer, admin, quiz_id = make_user("officer"), make_user("city_admin"), _competition()
    boss, b = _logged_in(browser, admin), _logged_in(browser, officer)
    board = f"/quizzes/q/{quiz_id}/board.json"
    for machine in "AB":  # each machine (and Redis) now holds the ranking and the board
        assert _score(boss.get("/scores/rankings", on=machine), officer.id) == 0
    for machine in "AB":
        assert _board_row(boss.get(board, on=machine), officer.id) is None
    attempt_id, token = _take(b, quiz_id)
    sent = {p: (p + 1) % 4 for p in range(1, PAPER + 1)}  # first answers: mostly wrong
    sent.update({p: 0 for p in range(1, PAPER + 1)})  # then every one changed to 甲
    for position, response in [(p, (p + 1) % 4) for p in sent] + list(sent.items()):
        saved = b.post_json(
            f"/quizzes/attempt/{attempt_id}/answer",
            {"position": position, "response": response},
            token,
        )
        assert saved.status == 200 and saved.json()["ok"], saved.text
    done = b.post(f"/quizzes/attempt/{attempt_id}/submit", {"csrf_token": token}, on="B")
    assert done.status == 302, done.text[:300]
    _assert_stored_once(attempt_id, sent)
    for machine in "AB":
        assert _board_row(boss.get(board, on=machine), officer.id)["score"] == PAPER
    for machine in "AB":
        assert _score(boss.get("/scores/rankings", on=machine), officer.id) > 0


def _assert_stored_once(attempt_id: int, sent: dict[int, int]) -> None:
    """One item per position of the paper, each holding the last answer sent; one attempt."""
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.status == "submitted" and attempt.score == PAPER
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1
    items = db.session.execute(
        select(AttemptItem.position, AttemptItem.response).where(
            AttemptItem.attempt_id == attempt_id
        )
    ).all()
    assert sorted(items) == sorted(sent.items())


# --- the public column and the bulletin board ----------------------------------------------


def test_an_article_published_on_one_machine_shows_in_the_column_on_the_other(
    browser, make_user, campaign
):
    county, admin = make_user("bureau_admin"), make_user("city_admin")
    article = column.save_article(
        None,
        campaign.id,
        county.bureau_id,
        column.ArticleData("两机新闻", "正文"),
        author_id=county.id,
    )
    column.submit_article(article, actor_id=county.id)
    db.session.commit()
    public, boss = browser(), _logged_in(browser, admin)
    for machine in "AB":  # the column's fragment is now cached (in Redis) without it
        assert "两机新闻" not in public.get("/column/", on=machine).text
    token = boss.get(f"/column/manage/{article.id}", on="A").csrf()
    published = boss.post(f"/column/manage/{article.id}/publish", {"csrf_token": token}, on="B")
    assert published.status == 302
    for machine in "AB":
        assert "两机新闻" in public.get("/column/", on=machine).text


def test_a_bulletin_submitted_on_one_machine_shows_on_the_board_on_the_other(
    browser, make_user, campaign
):
    county, admin = make_user("bureau_admin"), make_user("city_admin")
    month = schedule.bulletin_months(schedule.settings_for(campaign))[0]
    bulletin = bulletins.save_draft(
        campaign,
        county.bureau_id,
        month,
        bulletins.BulletinData("两机简报", "正文"),
        author_id=county.id,
    )
    db.session.commit()
    clerk, boss = _logged_in(browser, county), _logged_in(browser, admin)
    board, cell = f"/bulletins/{campaign.id}/board", ("441402", month.strftime("%Y-%m"))
    for machine in "AB":  # the board's fragment is now cached (in Redis) without the bulletin
        assert _state(boss.get(board, on=machine), *cell) in ("draft", "missing")
    token = clerk.get(f"/bulletins/b/{bulletin.id}", on="A").csrf()
    submitted = clerk.post(f"/bulletins/b/{bulletin.id}/submit", {"csrf_token": token}, on="B")
    assert submitted.status == 302
    for machine in "AB":
        assert _state(boss.get(board, on=machine), *cell) in ("on_time", "late")


def _state(page, bureau_code: str, month: str) -> str:
    """A cell's state on the bulletin board (bureau by code, month as YYYY-MM)."""
    assert page.status == 200, page.status
    row = re.search(rf'<tr data-bureau="{bureau_code}">(.*?)</tr>', page.text, re.S).group(1)
    return re.search(rf'data-month="{month}" data-state="(\w+)"', row).group(1)


# --- a background job across both machines ---------------------------------------------------


def test_an_export_started_on_one_machine_shows_its_progress_and_file_on_the_other(
    machines, browser, make_user, rec
):
    """The export is started on B and run by a worker (this process, a third machine on the
    same database, Redis and queue); while it runs, both machines show its progress, and once
    done A serves its file."""
    officer, admin = make_user("officer", display_name="两机导出"), make_user("city_admin")
    rec(officer, "quiz", "q", 80)
    boss = _logged_in(browser, admin)
    token = boss.get("/scores/rankings", on="A").csrf()
    started = boss.post("/scores/rankings.xlsx", {"csrf_token": token}, on="B")
    assert started.status == 303 and "/jobs/" in started.location, started.text[:300]
    job = started.location.rsplit("/jobs/", 1)[1]
    status = f"/jobs/{job}/status.json"
    assert boss.get(status, on="A").json()["status"] == "queued"
    seen = _work(machines["env"], lambda: [boss.get(status) for _ in "AB"])
    assert sorted(page.machine for page in seen) == ["A", "B"]
    for page in seen:  # the worker's first report, read from Redis by either machine
        state = page.json()
        assert (state["status"], state["done"], state["total"]) == ("running", 1, 2), state
        assert state["stage"].startswith("写入 Excel") and state["percent"] == 50
    done = boss.get(status, on="B").json()
    assert done["status"] == "done" and done["percent"] == 100 and done["has_file"]
    download = boss.get(f"/jobs/{job}/download", on="A")
    assert download.status == 200
    names = [row[2] for row in load_workbook(io.BytesIO(download.data)).active.values]
    assert "两机导出" in names


def _work(env: dict[str, str], at_first_report) -> list:
    """Run the queued jobs in this process as a worker of the machines' queue, calling
    ``at_first_report`` when the export reports its first step done; what it returned."""
    from rq import SimpleWorker

    worker = create_app(TestingConfig())
    worker.config.update({k: env[k] for k in ("REDIS_URL", "REDIS_PREFIX", "JOBS_QUEUE")})
    export = worker.extensions[REGISTRY_KEY]["rankings.export"]
    seen: list = []

    def watched(ctx):
        report = ctx.report

        def first_step(done: int, total: int, stage: str) -> None:
            report(done, total, stage)
            if done == 1:
                seen.extend(at_first_report())

        ctx.report = first_step
        return export.run(ctx)

    worker.extensions[REGISTRY_KEY]["rankings.export"] = replace(export, run=watched)
    with worker.app_context():
        SimpleWorker([queue.queue()], connection=redis_client()).work(burst=True)
        db.session.remove()
        db.engine.dispose()
    return seen
