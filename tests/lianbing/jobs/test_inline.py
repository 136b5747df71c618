"""Without REDIS_URL a job runs inside the request that starts it: the whole-city export end to
end, a failing job's reason and retry, and who may see a job."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from lianbing.errors import Forbidden, Invalid
from lianbing.extensions import db
from lianbing.files.models import StoredFile
from lianbing.jobs import services
from lianbing.jobs.models import DONE, FAILED, Job


def _scores(people, rec):
    for i, name in enumerate(["officer_441402_1", "officer_441403_1", "officer_441422_1"]):
        rec(people[name], "quiz", "q", 90 - 5 * i, minutes=i)


def test_whole_city_export_runs_inline_and_downloads(client, auth, people, rec):
    _scores(people, rec)
    auth.login("city_admin")
    r = client.post("/scores/rankings.xlsx")
    assert r.status_code == 303 and r.headers["Location"].startswith("/jobs/")
    page = client.get(r.headers["Location"])
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "已完成" in text and 'class="progress' in text
    job = db.session.scalar(select(Job))
    assert job.status == DONE and job.progress_done == job.progress_total == 2
    state = client.get(f"/jobs/{job.id}/status.json").get_json()
    assert state["status"] == "done" and state["percent"] == 100 and state["has_file"]
    download = client.get(f"/jobs/{job.id}/download")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(download.data)).active
    names = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(names) == sheet.max_row - 1 and people["officer_441402_1"].display_name in names
    listing = client.get("/jobs/").get_data(as_text=True)
    assert "全市综合排名导出" in listing and f"/jobs/{job.id}/download" in listing


def test_export_is_a_post_for_the_city_only(client, auth, people):
    auth.login("admin_441402")
    assert client.post("/scores/rankings.xlsx").status_code == 403
    assert db.session.scalar(select(func.count(Job.id))) == 0
    auth.login("city_admin")
    assert client.get("/scores/rankings.xlsx").status_code == 405


def test_a_failed_job_shows_its_reason_keeps_nothing_and_can_be_retried(
    client, auth, people, test_kinds
):
    job = services.start("test.flaky", {"n": 7}, people["admin_441402"])
    db.session.commit()
    assert job.status == FAILED and "火星区" in job.error
    assert job.result_file_id is None
    assert db.session.scalar(select(func.count(StoredFile.id))) == 0
    auth.login("admin_441402")
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "任务失败" in page and "第 3 行：单位“火星区”不存在。" in page and "重试" in page
    assert client.get(f"/jobs/{job.id}/download").status_code == 404
    test_kinds.broken = False
    r = client.post(f"/jobs/{job.id}/retry")
    assert r.status_code == 302
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == DONE and job.attempts == 2 and job.error == ""
    assert client.get(f"/jobs/{job.id}/download").data == b"ok 7"


def test_only_a_failed_job_of_ones_own_is_retried(client, auth, people, test_kinds):
    test_kinds.broken = False
    done = services.start("test.flaky", {}, people["admin_441402"])
    db.session.commit()
    auth.login("admin_441402")
    assert client.post(f"/jobs/{done.id}/retry").status_code == 409
    test_kinds.broken = True
    failed = services.start("test.flaky", {}, people["admin_441402"])
    db.session.commit()
    auth.login("city_admin")
    assert client.get(f"/jobs/{failed.id}").status_code == 200  # the city follows every job
    assert client.post(f"/jobs/{failed.id}/retry").status_code == 403


def test_another_bureau_cannot_see_a_job(client, auth, people, test_kinds):
    test_kinds.broken = False
    job = services.start("test.flaky", {}, people["admin_441402"])
    city_job = services.start("test.city", {}, people["city_admin"])
    db.session.commit()
    urls = [f"/jobs/{job.id}", f"/jobs/{job.id}/status.json", f"/jobs/{job.id}/download"]
    for username, allowed in [
        ("admin_441403", False),
        ("officer_441402_1", False),
        ("trainer", False),
        ("admin_441402", True),
        ("city_admin", True),
    ]:
        auth.login(username)
        for url in urls:
            status = client.get(url).status_code
            assert (status == 200) == allowed and status in (200, 403), (username, url, status)
        assert client.post(f"/jobs/{job.id}/retry").status_code in (403, 409)
    auth.login("admin_441402")
    assert client.get(f"/jobs/{city_job.id}").status_code == 403
    assert client.get("/jobs/999999").status_code == 404
    assert f"/jobs/{job.id}" in client.get("/jobs/").get_data(as_text=True)
    auth.login("admin_441403")
    assert f"/jobs/{job.id}" not in client.get("/jobs/").get_data(as_text=True)


def test_a_job_of_a_kind_the_user_may_not_run_is_refused(people, test_kinds):
    with pytest.raises(Forbidden):
        services.start("test.city", {}, people["admin_441402"])
    with pytest.raises(Invalid):
        services.start("no.such.kind", {}, people["city_admin"])


def test_a_job_redis_refuses_fails_with_a_reason(app, other_app, people, test_kinds):
    """REDIS_URL set but nothing answers: the committed job is marked failed at once."""
    site = other_app()
    site.config.update(REDIS_URL="redis://127.0.0.1:1/0", JOBS_QUEUE="test-nowhere")
    site.extensions["lianbing_job_kinds"]["test.flaky"] = app.extensions["lianbing_job_kinds"][
        "test.flaky"
    ]
    with site.test_request_context():
        job_id = services.start("test.flaky", {}, people["admin_441402"]).id
        db.session.commit()
        db.session.remove()
    job = db.session.get(Job, job_id)
    assert job.status == FAILED and "Redis" in job.error and job.finished_at is not None
