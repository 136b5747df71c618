"""A large question-bank file is imported by a background job (inline here: no REDIS_URL): the
job page names the outcome; a file with a bad row imports nothing and shows the row."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from lianbing.extensions import db
from lianbing.jobs.models import DONE, Job
from quizzes import services
from quizzes.models import Question

GOOD = "题型,题干,选项A,选项B,答案\n单选题,甲?,甲,乙,A\n单选题,乙?,甲,乙,B\n".encode()
BAD = "题型,题干,选项A,选项B,答案\n单选题,甲?,甲,乙,A\n单选题,乙?,甲,乙,F\n".encode()


@pytest.fixture
def every_file_is_large(app):
    saved = app.config["QUIZ_IMPORT_JOB_BYTES"]
    app.config["QUIZ_IMPORT_JOB_BYTES"] = 1
    yield
    app.config["QUIZ_IMPORT_JOB_BYTES"] = saved


def _upload(client, data, filename="bank.csv", **extra):
    return client.post(
        "/quizzes/import",
        data={"bank": "大题库", "fmt": "auto", "file": (io.BytesIO(data), filename), **extra},
        content_type="multipart/form-data",
    )


def _questions() -> int:
    return db.session.scalar(select(func.count(Question.id)))


def test_a_large_import_runs_as_a_job(client, trainer, every_file_is_large):
    r = _upload(client, GOOD)
    assert r.status_code == 303 and r.headers["Location"].startswith("/jobs/")
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "题库导入" in page and "已导入 2 道题到题库“大题库”" in page
    assert db.session.scalar(select(Job.status)) == DONE and _questions() == 2


def test_a_bad_row_in_a_large_file_is_listed_on_the_page_without_a_job(
    client, trainer, every_file_is_large
):
    r = _upload(client, BAD)
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert "第 3 行" in page and "F 超出选项范围" in page
    assert db.session.scalar(select(func.count(Job.id))) == 0 and _questions() == 0
    assert services.bank_by_name("大题库") is None


def test_an_unreadable_large_file_is_refused_on_the_page(client, trainer, every_file_is_large):
    r = _upload(client, b"\x89PNG\r\n\x1a\n" + b"\0" * 2000, "bank.xlsx")
    assert r.status_code == 400 and "内容与扩展名 .xlsx 不符" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Job.id))) == 0 and _questions() == 0


def test_a_small_file_keeps_the_immediate_report(client, trainer):
    r = _upload(client, GOOD)
    assert r.status_code == 200 and "已导入 2 道题" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Job.id))) == 0
