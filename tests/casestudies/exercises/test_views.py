"""Writing records through the test client: autosave, one submission, bad input, exports."""

import io

import pytest
from docx import Document
from sqlalchemy import func, select

from casestudies.exercises import services as exercises
from casestudies.exercises.models import Exercise, Submission
from casestudies.grading import services as grading
from casestudies.rubrics import campaigns as rubric_campaigns
from casestudies.rubrics import demo as rubrics_demo
from casestudies.rubrics import services as rubrics
from lianbing.campaign import nextyear
from lianbing.campaign import services as campaigns
from lianbing.extensions import db
from tests.casestudies.records import record_form

#: the headers the record editor's fetch() sends (static/casestudies/record.js)
FETCH = {"Accept": "application/json", "X-Requested-With": "fetch"}


def test_record_docx_export(client, auth, world):
    auth.login("trainer")
    ex = exercises.exercises(False)[0]
    sub = grading.queue(grading.QueueFilter(exercise_id=ex.id))[0]
    doc = Document(io.BytesIO(client.get(f"/casestudies/submissions/{sub.id}/record.docx").data))
    assert any("笔录" in p.text for p in doc.paragraphs)


def test_officer_writes_autosaves_and_submits_once(client, auth, make_exercise, campaign):
    ex = make_exercise()
    auth.login("officer_441402_1")
    assert "开始填写笔录" in client.get(f"/casestudies/exercises/{ex.id}").get_data(as_text=True)
    r = client.post(
        f"/casestudies/exercises/{ex.id}/autosave",
        data=record_form(ex, body="草稿内容"),
        headers=FETCH,
    )
    assert r.status_code == 200 and r.get_json()["saved_at"]
    assert "草稿内容" in client.get(f"/casestudies/exercises/{ex.id}/write").get_data(as_text=True)
    r = client.post(f"/casestudies/exercises/{ex.id}/write", data=record_form(ex, action="submit"))
    assert r.status_code == 302
    r = client.post(f"/casestudies/exercises/{ex.id}/write", data=record_form(ex, action="save"))
    assert r.status_code == 302 and "/submissions/" in r.headers["Location"]
    r = client.post(
        f"/casestudies/exercises/{ex.id}/autosave", data=record_form(ex, body="改动"), headers=FETCH
    )
    assert (
        r.status_code == 409 and "已经提交" in r.get_json()["error"] and r.get_json()["ok"] is False
    )
    sub = db.session.scalar(select(Submission))
    assert sub.body == "出示执法证件。检查时正在生产。" and sub.status == "submitted"
    assert "等待培训人员评分" in client.get(f"/casestudies/submissions/{sub.id}").get_data(
        as_text=True
    )


def test_inquiry_qa_pairs_are_kept_in_order(client, auth, make_exercise, campaign):
    ex = make_exercise("inquiry")
    auth.login("officer_441402_1")
    client.post(
        f"/casestudies/exercises/{ex.id}/write",
        data=record_form(ex, q=["第一问", "", "第二问"], a=["第一答", "", "第二答"], action="save"),
    )
    sub = db.session.scalar(select(Submission))
    assert sub.qa == [{"q": "第一问", "a": "第一答"}, {"q": "第二问", "a": "第二答"}]


@pytest.mark.parametrize(
    "body, status, message",
    [
        ("", 400, "笔录正文为空"),
        ("很长" * 16_000, 413, "笔录内容过长"),
        ("检查时正在生产\x00\x01\x02", 400, "二进制或控制字符"),
    ],
)
def test_empty_and_oversized_records_are_refused(
    client, auth, make_exercise, campaign, body, status, message
):
    ex = make_exercise()
    auth.login("officer_441402_1")
    r = client.post(
        f"/casestudies/exercises/{ex.id}/write", data=record_form(ex, body=body, action="submit")
    )
    page = r.get_data(as_text=True)
    assert r.status_code == status and message in page
    assert db.session.scalar(select(func.count(Submission.id))) == 0
    assert "电镀车间" in page  # the draft is kept on the page


def test_html_in_a_record_is_escaped(client, auth, make_exercise, campaign):
    ex = make_exercise()
    auth.login("officer_441402_1")
    evil = "<script>alert(1)</script><b onmouseover=x>严重</b>"
    client.post(
        f"/casestudies/exercises/{ex.id}/write", data=record_form(ex, body=evil, action="submit")
    )
    sub = db.session.scalar(select(Submission))
    for path in (f"/casestudies/submissions/{sub.id}", f"/casestudies/submissions/{sub.id}/print"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    auth.login("trainer")
    page = client.get(f"/casestudies/submissions/{sub.id}/grade").get_data(as_text=True)
    assert "<b onmouseover" not in page and '<mark class="cs-bad"' in page


def test_exercise_attachment_type_is_checked(client, auth, demo_people, campaign, find_user):
    auth.login("trainer")
    rubric = rubrics.create_rubric(
        rubrics_demo.INSPECTION, actor_id=find_user("trainer").id, complete=True
    )
    db.session.commit()
    data = {
        "title": "带附件",
        "record_type": "inspection",
        "due_at": "2099-01-01T10:00",
        "rubric_id": str(rubric.id),
        "margin": "2",
        "regrade_days": "7",
        "attachment": (io.BytesIO(b"#!/bin/sh"), "photo.sh"),
    }
    r = client.post("/casestudies/exercises/new", data=data, content_type="multipart/form-data")
    assert r.status_code == 400 and "不支持的文件类型" in r.get_data(as_text=True)
    data["attachment"] = (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 20), "site.png")
    r = client.post("/casestudies/exercises/new", data=data, content_type="multipart/form-data")
    assert r.status_code == 302
    ex_id = r.headers["Location"].rstrip("/").split("/")[-1]
    assert client.get(f"/casestudies/exercises/{ex_id}/attachment").mimetype == "image/png"
    assert '<img class="img-fluid' in client.get(f"/casestudies/exercises/{ex_id}").get_data(
        as_text=True
    )


def test_exercise_refuses_rubric_of_other_record_type(
    client, auth, demo_people, campaign, find_user
):
    auth.login("trainer")
    rubric = rubrics.create_rubric(
        rubrics_demo.INQUIRY, actor_id=find_user("trainer").id, complete=True
    )
    db.session.commit()
    r = client.post(
        "/casestudies/exercises/new",
        data={
            "title": "错配",
            "record_type": "inspection",
            "due_at": "2099-01-01T10:00",
            "rubric_id": str(rubric.id),
            "margin": "2",
            "regrade_days": "7",
        },
    )
    assert r.status_code == 400 and "笔录类型相同" in r.get_data(as_text=True)


def test_next_year_s_exercise_form_offers_and_saves_next_year_s_rubric_version(
    client, auth, make_exercise, campaign, find_user
):
    old = make_exercise()
    made, _ = nextyear.create_next(campaign, "下一年", actor_id=find_user("trainer").id)
    campaigns.activate_campaign(made)
    db.session.commit()
    [mine] = rubric_campaigns.in_use(made.id)
    auth.login("trainer")
    page = client.get("/casestudies/exercises/new").get_data(as_text=True)
    assert f'value="{mine.id}"' in page and f'value="{old.rubric_id}"' not in page
    data = {
        "title": "下一年练习",
        "record_type": "inspection",
        "due_at": "2099-01-01T10:00",
        "rubric_id": str(old.rubric_id),
        "margin": "2",
        "regrade_days": "7",
    }
    # last year's version is not on offer: refused, nothing made
    assert client.post("/casestudies/exercises/new", data=data).status_code == 400
    assert db.session.scalar(select(func.count(Exercise.id))) == 1
    r = client.post("/casestudies/exercises/new", data=data | {"rubric_id": str(mine.id)})
    assert r.status_code == 302
    made_ex = db.session.scalar(select(Exercise).where(Exercise.title == "下一年练习"))
    assert made_ex.rubric_id == mine.id and made_ex.campaign_id == made.id
    # last year's exercise's editor still offers (and keeps) last year's version
    page = client.get(f"/casestudies/exercises/{old.id}/edit").get_data(as_text=True)
    assert f'value="{old.rubric_id}"' in page and f'value="{mine.id}"' not in page
