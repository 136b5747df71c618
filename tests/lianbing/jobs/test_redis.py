"""With REDIS_URL jobs go to RQ: the request only queues the job (after its row commits), a real
RQ worker runs it, progress is published in Redis for every machine, a failure can be retried."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from lianbing import TestingConfig, create_app
from lianbing.accounts.models import User
from lianbing.accounts.services import UserData, create_user
from lianbing.counters.services import redis_client
from lianbing.extensions import db
from lianbing.jobs import queue, services
from lianbing.jobs.kinds import REGISTRY_KEY
from lianbing.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job
from tests.lianbing.conftest import login_as


@pytest.fixture
def rq_app(app, redis_settings, test_kinds):
    """A second application (another machine) whose jobs go to Redis; it knows the test kinds."""
    other = create_app(TestingConfig())
    other.config.update(redis_settings)
    other.extensions[REGISTRY_KEY].update(
        {k: v for k, v in app.extensions[REGISTRY_KEY].items() if k.startswith("test.")}
    )
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def _work(rq_app) -> None:
    """A real RQ worker in this process: take every queued job, then stop."""
    from rq import SimpleWorker

    with rq_app.app_context():
        worker = SimpleWorker([queue.queue()], connection=redis_client())
        worker.work(burst=True, with_scheduler=False)
        db.session.remove()


def _job(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def test_whole_city_export_is_queued_then_run_by_a_worker(rq_app, people, rec):
    rec(people["officer_441402_1"], "quiz", "q", 88)
    client = rq_app.test_client()
    with rq_app.app_context():
        login_as(client, "city_admin")
    r = client.post("/scores/rankings.xlsx")
    assert r.status_code == 303
    job_id = int(r.headers["Location"].rsplit("/", 1)[1])
    assert _job(job_id).status == QUEUED
    state = client.get(f"/jobs/{job_id}/status.json").get_json()
    assert state["status"] == "queued" and not state["finished"]
    assert "progress-bar-animated" in client.get(f"/jobs/{job_id}").get_data(as_text=True)
    _work(rq_app)
    job = _job(job_id)
    assert job.status == DONE and job.result_file_id is not None and job.attempts == 1
    sheet = load_workbook(io.BytesIO(client.get(f"/jobs/{job_id}/download").data)).active
    assert sheet.cell(1, 3).value == "姓名" and sheet.max_row >= 2


def test_progress_is_read_from_redis_while_the_job_runs(rq_app, people, test_kinds):
    with rq_app.test_request_context():
        job = services.start("test.flaky", {}, people["admin_441402"])
        db.session.commit()
        job.status = RUNNING  # as a worker on another machine commits it
        db.session.commit()
        queue.write_progress(job.id, 40, 160, "校验第 40 行")
        state = services.state(job)
        assert (state["done"], state["total"], state["stage"]) == (40, 160, "校验第 40 行")
        assert state["percent"] == 25 and job.progress_done == 0
        queue.forget_progress(job.id)
        assert services.state(job)["done"] == 0


def test_a_failing_queued_job_shows_its_reason_and_is_retried(rq_app, people, test_kinds):
    client = rq_app.test_client()
    with rq_app.app_context():
        login_as(client, "admin_441402")
    with rq_app.test_request_context():
        job_id = services.start("test.flaky", {"n": 3}, people["admin_441402"]).id
        db.session.commit()
    _work(rq_app)
    job = _job(job_id)
    assert job.status == FAILED and "火星区" in job.error and job.result_file_id is None
    assert "火星区" in client.get(f"/jobs/{job_id}").get_data(as_text=True)
    test_kinds.broken = False
    assert client.post(f"/jobs/{job_id}/retry").status_code == 302
    assert _job(job_id).status == QUEUED
    _work(rq_app)
    job = _job(job_id)
    assert job.status == DONE and job.attempts == 2
    assert client.get(f"/jobs/{job_id}/download").data == b"ok 3"


def test_a_rolled_back_request_queues_nothing(rq_app, people, test_kinds):
    with rq_app.test_request_context():
        services.start("test.flaky", {}, people["admin_441402"])
        db.session.rollback()
        assert queue.queue().count == 0
    assert db.session.scalar(select(Job.id)) is None


def test_roster_import_job_is_all_or_nothing(rq_app, people, xlsx):
    """The file passed its checks in the request; a username taken before the worker runs makes
    the job fail with that row, and no account of the file is created."""
    rows = [
        ["张一", "zhang_yi", "梅江区", "执法人员", "", ""],
        ["张二", "zhang_er", "梅江区", "执法人员", "", ""],
    ]
    client = rq_app.test_client()
    with rq_app.app_context():
        login_as(client, "admin_441402")
    r = client.post(
        "/roster/import",
        data={"file": (io.BytesIO(xlsx(rows)), "名单.xlsx"), "default_password": "import-pass-1"},
        content_type="multipart/form-data",
    )
    assert r.status_code == 303
    job_id = int(r.headers["Location"].rsplit("/", 1)[1])
    bureau_id = people["admin_441402"].bureau_id
    create_user(UserData("zhang_er", "先来者", "officer", bureau_id, password="x-pass-12345"))
    db.session.commit()
    _work(rq_app)
    job = _job(job_id)
    assert job.status == FAILED and "第 3 行" in job.error and "zhang_er" in job.error
    assert db.session.scalar(select(User).where(User.username == "zhang_yi")) is None
    db.session.execute(User.__table__.delete().where(User.username == "zhang_er"))
    db.session.commit()
    assert client.post(f"/jobs/{job_id}/retry").status_code == 302
    _work(rq_app)
    assert _job(job_id).status == DONE
    imported = db.session.scalar(select(User).where(User.username == "zhang_yi"))
    assert imported.check_password("import-pass-1") and imported.must_change_password
    assert "zhang_yi" in client.get(f"/jobs/{job_id}").get_data(as_text=True)


def test_notify_run_can_be_enqueued_for_a_worker(rq_app, people, runner):
    with rq_app.app_context():
        result = rq_app.test_cli_runner().invoke(args=["notify", "run", "--enqueue", "--no-send"])
    assert result.exit_code == 0, result.output
    job = db.session.scalar(select(Job))
    assert job.kind == "notify.run" and job.status == QUEUED and job.owner_id is None
    _work(rq_app)
    job = _job(job.id)
    assert job.status == DONE and job.summary.startswith("新通知")
    client = rq_app.test_client()
    with rq_app.app_context():
        login_as(client, "city_admin")
    assert "系统（定时任务）" in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    with rq_app.app_context():
        login_as(client, "admin_441402")
    assert client.get(f"/jobs/{job.id}").status_code == 403
    without_redis = runner.invoke(args=["notify", "run", "--enqueue"])
    assert without_redis.exit_code != 0 and "REDIS_URL" in without_redis.output


def test_a_job_over_its_time_limit_fails_and_keeps_nothing(rq_app, people, test_kinds):
    rq_app.config["JOBS_TIMEOUT"] = 1
    test_kinds.broken = False
    with rq_app.test_request_context():
        job_id = services.start("test.flaky", {"sleep": 5}, people["admin_441402"]).id
        db.session.commit()
    _work(rq_app)
    job = _job(job_id)
    assert job.status == FAILED and "超过上限" in job.error and job.result_file_id is None
