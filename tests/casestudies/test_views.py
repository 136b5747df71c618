"""Pages of the casestudies part through the test client: roles, flows and bad input."""
import io
import json
import re
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import func, select

from lianbing.extensions import db
from lianbing.ledger.models import ScoreEntry

from casestudies import rubrics_demo, services
from casestudies.models import CaseLesson, Rubric, Submission


def _form(exercise, **extra):
    data = {"start_time": "2017-07-20T09:30", "end_time": "2017-07-20T10:30", "place": "电镀车间",
            "unit": "某公司", "legal_rep": "王某", "contact": "138", "recorder": "王",
            "officer_name": ["甲", "乙"], "officer_cert": ["44140200001", "44140200002"],
            "body": "出示执法证件。检查时正在生产。", "confirmation": "属实", "signed_on": "2017-07-20"}
    return data | extra


def test_every_page_renders_for_trainer(client, auth, world):
    auth.login("trainer")
    ex = services.exercises(False)[0]
    sub = services.queue(services.QueueFilter(exercise_id=ex.id))[0]
    lesson = services.lessons(False)[0]
    pages = ["/casestudies/", "/casestudies/grading", "/casestudies/rubrics", f"/casestudies/rubrics/{ex.rubric_id}",
             f"/casestudies/rubrics/{ex.rubric_id}?edit=P4", f"/casestudies/exercises/{ex.id}",
             f"/casestudies/exercises/{ex.id}/edit", "/casestudies/exercises/new", "/casestudies/lessons/new",
             f"/casestudies/lessons/{lesson.id}/edit", f"/casestudies/lessons/{lesson.id}/result",
             f"/casestudies/exercises/{ex.id}/stats", f"/casestudies/submissions/{sub.id}",
             f"/casestudies/submissions/{sub.id}/grade", f"/casestudies/submissions/{sub.id}/print",
             f"/casestudies/grading?exercise={ex.id}&status=released", "/home"]
    for path in pages:
        r = client.get(path)
        assert r.status_code == 200, (path, r.get_data(as_text=True)[:300])
    assert "<svg" in client.get(f"/casestudies/exercises/{ex.id}/stats").get_data(as_text=True)


def test_exports(client, auth, world):
    auth.login("trainer")
    ex = services.exercises(False)[0]
    sub = services.queue(services.QueueFilter(exercise_id=ex.id))[0]
    doc = Document(io.BytesIO(client.get(f"/casestudies/submissions/{sub.id}/record.docx").data))
    assert any("笔录" in p.text for p in doc.paragraphs)
    r = client.get(f"/casestudies/exercises/{ex.id}/grades.xlsx")
    assert r.status_code == 200 and r.data[:2] == b"PK"
    data = json.loads(client.get(f"/casestudies/rubrics/{ex.rubric_id}.json").data)
    assert data["total_points"] == 100 and data["criteria"]


@pytest.mark.parametrize("username, status", [("officer_441402_1", 403), ("admin_441402", 403),
                                              ("trainer", 200), ("city_admin", 200)])
def test_management_pages_by_role(client, auth, world, username, status):
    auth.login(username)
    assert client.get("/casestudies/grading").status_code == status
    assert client.get("/casestudies/rubrics").status_code == status


def test_officer_cannot_open_another_officers_record(client, auth, world):
    other = db.session.scalar(select(Submission).join(Submission.user).where(
        Submission.user.has(username="officer_441403_1")))
    auth.login("officer_441402_1")
    assert client.get(f"/casestudies/submissions/{other.id}").status_code == 403
    assert client.get(f"/casestudies/submissions/{other.id}/record.docx").status_code == 403
    assert client.get(f"/casestudies/submissions/{other.id}/print").status_code == 403
    assert client.post(f"/casestudies/submissions/{other.id}/regrade",
                       data={"criterion": "P4", "reason": "x"}).status_code == 403


def test_officer_writes_autosaves_and_submits_once(client, auth, make_exercise, campaign):
    ex = make_exercise()
    auth.login("officer_441402_1")
    assert "开始填写笔录" in client.get(f"/casestudies/exercises/{ex.id}").get_data(as_text=True)
    r = client.post(f"/casestudies/exercises/{ex.id}/autosave", data=_form(ex, body="草稿内容"))
    assert r.status_code == 200 and r.get_json()["saved_at"]
    assert "草稿内容" in client.get(f"/casestudies/exercises/{ex.id}/write").get_data(as_text=True)
    r = client.post(f"/casestudies/exercises/{ex.id}/write", data=_form(ex, action="submit"))
    assert r.status_code == 302
    r = client.post(f"/casestudies/exercises/{ex.id}/write", data=_form(ex, action="save"))
    assert r.status_code == 302 and "/submissions/" in r.headers["Location"]
    r = client.post(f"/casestudies/exercises/{ex.id}/autosave", data=_form(ex, body="改动"))
    assert r.status_code == 409 and "已经提交" in r.get_json()["error"]
    sub = db.session.scalar(select(Submission))
    assert sub.body == "出示执法证件。检查时正在生产。" and sub.status == "submitted"
    assert "等待培训人员评分" in client.get(f"/casestudies/submissions/{sub.id}").get_data(as_text=True)


def test_inquiry_qa_pairs_are_kept_in_order(client, auth, make_exercise, campaign):
    ex = make_exercise("inquiry")
    auth.login("officer_441402_1")
    client.post(f"/casestudies/exercises/{ex.id}/write",
                data=_form(ex, q=["第一问", "", "第二问"], a=["第一答", "", "第二答"], action="save"))
    sub = db.session.scalar(select(Submission))
    assert sub.qa == [{"q": "第一问", "a": "第一答"}, {"q": "第二问", "a": "第二答"}]


@pytest.mark.parametrize("body, status, message", [
    ("", 400, "笔录正文为空"),
    ("很长" * 16_000, 413, "笔录内容过长"),
])
def test_empty_and_oversized_records_are_refused(client, auth, make_exercise, campaign, body, status, message):
    ex = make_exercise()
    auth.login("officer_441402_1")
    r = client.post(f"/casestudies/exercises/{ex.id}/write", data=_form(ex, body=body, action="submit"))
    assert r.status_code == status and message in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Submission.id))) == 0


def test_html_in_a_record_is_escaped(client, auth, make_exercise, campaign):
    ex = make_exercise()
    auth.login("officer_441402_1")
    evil = "<script>alert(1)</script><b onmouseover=x>严重</b>"
    client.post(f"/casestudies/exercises/{ex.id}/write", data=_form(ex, body=evil, action="submit"))
    sub = db.session.scalar(select(Submission))
    for path in (f"/casestudies/submissions/{sub.id}", f"/casestudies/submissions/{sub.id}/print"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    auth.login("trainer")
    page = client.get(f"/casestudies/submissions/{sub.id}/grade").get_data(as_text=True)
    assert "<b onmouseover" not in page and '<mark class="cs-bad"' in page


def test_trainer_grading_own_submission_is_refused(client, auth, make_exercise, campaign):
    ex = make_exercise()
    auth.login("trainer")
    client.post(f"/casestudies/exercises/{ex.id}/write", data=_form(ex, action="submit"))
    sub = db.session.scalar(select(Submission))
    r = client.post(f"/casestudies/submissions/{sub.id}/grade", data={f"points_{k}": "1" for k in "P1 P2".split()})
    assert r.status_code == 403 and "不能评阅自己提交的笔录" in r.get_data(as_text=True)
    assert db.session.get(Submission, sub.id).status == "submitted"


def test_grade_form_names_criterion_out_of_range(client, auth, make_exercise, campaign):
    ex = make_exercise()
    auth.login("officer_441402_1")
    client.post(f"/casestudies/exercises/{ex.id}/write", data=_form(ex, action="submit"))
    sub = db.session.scalar(select(Submission))
    auth.login("trainer")
    data = {f"points_{c['key']}": str(c["max_points"]) for c in rubrics_demo.INSPECTION["criteria"]}
    data["points_P2"] = "99"
    r = client.post(f"/casestudies/submissions/{sub.id}/grade", data=data)
    assert r.status_code == 400 and "两名以上执法人员并注明执法证号" in r.get_data(as_text=True)


def test_regrade_after_window_is_refused(client, auth, world):
    sub = db.session.scalar(select(Submission).where(Submission.status == "released",
                                                     Submission.exercise.has(record_type="inspection"),
                                                     Submission.user.has(username="officer_441402_1")))
    sub.exercise.regrade_days = 0
    db.session.commit()
    auth.login("officer_441402_1")
    r = client.post(f"/casestudies/submissions/{sub.id}/regrade", data={"criterion": "P4", "reason": "请复评"})
    assert r.status_code == 409 and "复评申请期限" in r.get_data(as_text=True)


@pytest.mark.parametrize("checks_text, levels, message", [
    ('[{"type": "forbidden", "regex": ["(坏"]}]', "5|好", "不是有效的正则表达式"),
    ("[]", "4|好", "最高一级 4 分"),
    ("[{", "5|好", "不是有效的 JSON"),
])
def test_rubric_builder_refuses_bad_criteria_naming_them(client, auth, demo_people, checks_text, levels, message):
    auth.login("trainer")
    client.post("/casestudies/rubrics", data={"title": "新量表", "record_type": "inspection", "total_points": "10"})
    rubric = db.session.scalar(select(Rubric))
    r = client.post(f"/casestudies/rubrics/{rubric.id}/criteria", data={
        "key": "X1", "standard": "表述准确客观", "title": "客观用语", "max_points": "5", "mode": "levels",
        "levels": levels, "checks": checks_text})
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and message in page and "客观用语" in page
    assert db.session.get(Rubric, rubric.id).data["criteria"] == []


def test_rubric_builder_refuses_points_over_total(client, auth, demo_people):
    auth.login("trainer")
    client.post("/casestudies/rubrics", data={"title": "新量表", "record_type": "inspection", "total_points": "10"})
    rubric = db.session.scalar(select(Rubric))
    base = {"standard": "内容完整", "mode": "guide", "checks": "[]", "levels": ""}
    assert client.post(f"/casestudies/rubrics/{rubric.id}/criteria",
                       data=base | {"key": "A", "title": "地点", "max_points": "6"}).status_code == 302
    r = client.post(f"/casestudies/rubrics/{rubric.id}/criteria", data=base | {"key": "B", "title": "单位", "max_points": "6"})
    assert r.status_code == 400 and "单位" in r.get_data(as_text=True) and "超过总分" in r.get_data(as_text=True)


def test_rubric_import_refuses_invalid_file(client, auth, demo_people):
    auth.login("trainer")
    bad = json.loads(json.dumps(rubrics_demo.INSPECTION))
    bad["criteria"][0]["max_points"] = 7
    r = client.post("/casestudies/rubrics/import", data={"file": (io.BytesIO(json.dumps(bad).encode()), "r.json")},
                    content_type="multipart/form-data")
    assert r.status_code == 400 and "P1" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Rubric.id))) == 0


def test_case_lesson_stages_hide_answers_until_submitted(client, auth, world):
    lesson = db.session.scalars(select(CaseLesson)).first()
    choice = lesson.questions[0]
    auth.login("officer_441424_1")
    page = client.get(f"/casestudies/lessons/{lesson.id}/questions").get_data(as_text=True)
    assert "EPL2014:63" not in page and "正确答案" not in page and lesson.interpretation[:10] not in page
    r = client.post(f"/casestudies/lessons/{lesson.id}/questions", data={f"q{choice.id}": choice.answer})
    assert r.status_code == 302
    page = client.get(f"/casestudies/lessons/{lesson.id}/result").get_data(as_text=True)
    assert "EPL2014:63" in page and "正确答案" in page and "✓" in page
    assert db.session.scalar(select(ScoreEntry.points).where(ScoreEntry.kind == "case_lesson")) == 1.0


def test_lesson_editor_refuses_bad_citation(client, auth, demo_people):
    auth.login("trainer")
    r = client.post("/casestudies/lessons/new", data={"title": "案例", "citations": "EPL2014:24\n环保法"})
    assert r.status_code == 400 and "环保法" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count(CaseLesson.id))) == 0


def test_second_marker_reconciliation_view(client, auth, make_exercise, make_user, campaign):
    ex = make_exercise(needs_second_marker=True, margin=1.0)
    second = make_user("trainer", "441400")
    auth.login("officer_441402_1")
    client.post(f"/casestudies/exercises/{ex.id}/write", data=_form(ex, action="submit"))
    sub = db.session.scalar(select(Submission))
    full = {f"points_{c['key']}": str(c["max_points"]) for c in rubrics_demo.INSPECTION["criteria"]}
    auth.login("trainer")
    assert client.post(f"/casestudies/submissions/{sub.id}/grade", data=full).status_code == 302
    auth.login(second.username)
    assert client.post(f"/casestudies/submissions/{sub.id}/grade?role=second", data=full | {"points_P2": "4"}).status_code == 302
    page = client.get(f"/casestudies/submissions/{sub.id}/grade").get_data(as_text=True)
    assert "分差超过 1.0 分" in page and "两名以上执法人员并注明执法证号" in page
    r = client.post(f"/casestudies/submissions/{sub.id}/release")
    assert r.status_code == 409 and "请先核定分数" in r.get_data(as_text=True)
    assert client.post(f"/casestudies/submissions/{sub.id}/reconcile", data={"points_P2": "7"}).status_code == 302
    assert client.post(f"/casestudies/submissions/{sub.id}/release").status_code == 302
    entry = db.session.scalar(select(ScoreEntry))
    assert entry.points == 97 and entry.detail["submission_id"] == sub.id


def test_rubric_copy_and_new_version(client, auth, world):
    auth.login("trainer")
    rubric = services.exercises(False)[0].rubric
    assert rubric.is_locked
    r = client.post(f"/casestudies/rubrics/{rubric.id}/criteria", data={
        "key": "Z", "standard": "内容完整", "title": "新", "max_points": "1", "mode": "guide", "checks": "[]"})
    assert r.status_code == 409 and "已锁定" in r.get_data(as_text=True)
    client.post(f"/casestudies/rubrics/{rubric.id}/copy", data={"as": "version"})
    client.post(f"/casestudies/rubrics/{rubric.id}/copy", data={"as": "copy"})
    versions = db.session.scalars(select(Rubric).where(Rubric.title.startswith(rubric.title))
                                  .order_by(Rubric.id)).all()
    assert [(v.family == rubric.family, v.version) for v in versions[-2:]] == [(True, 2), (False, 1)]
    assert versions[-1].title.endswith("（副本）")


def test_exercise_attachment_type_is_checked(client, auth, demo_people, campaign, find_user):
    auth.login("trainer")
    rubric = services.create_rubric(rubrics_demo.INSPECTION, actor_id=find_user("trainer").id, complete=True)
    db.session.commit()
    data = {"title": "带附件", "record_type": "inspection", "due_at": "2099-01-01T10:00", "rubric_id": str(rubric.id),
            "margin": "2", "regrade_days": "7", "attachment": (io.BytesIO(b"#!/bin/sh"), "photo.sh")}
    r = client.post("/casestudies/exercises/new", data=data, content_type="multipart/form-data")
    assert r.status_code == 400 and "不支持的文件类型" in r.get_data(as_text=True)
    data["attachment"] = (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 20), "site.png")
    r = client.post("/casestudies/exercises/new", data=data, content_type="multipart/form-data")
    assert r.status_code == 302
    ex_id = r.headers["Location"].rstrip("/").split("/")[-1]
    assert client.get(f"/casestudies/exercises/{ex_id}/attachment").mimetype == "image/png"
    assert '<img class="img-fluid' in client.get(f"/casestudies/exercises/{ex_id}").get_data(as_text=True)


def test_exercise_refuses_rubric_of_other_record_type(client, auth, demo_people, campaign, find_user):
    auth.login("trainer")
    rubric = services.create_rubric(rubrics_demo.INQUIRY, actor_id=find_user("trainer").id, complete=True)
    db.session.commit()
    r = client.post("/casestudies/exercises/new", data={"title": "错配", "record_type": "inspection",
                    "due_at": "2099-01-01T10:00", "rubric_id": str(rubric.id), "margin": "2", "regrade_days": "7"})
    assert r.status_code == 400 and "笔录类型相同" in r.get_data(as_text=True)


def test_dashboard_cards(client, auth, world):
    auth.login("officer_441424_1")
    assert "待完成 2 项" in client.get("/home").get_data(as_text=True)
    auth.logout()
    auth.login("trainer")
    assert "待评分 0 份，已评待发布 4 份" in client.get("/home").get_data(as_text=True)


def test_rubric_trial_shows_evidence_and_stores_nothing(client, auth, world):
    auth.login("trainer")
    rubric = services.exercises(False)[0].rubric
    before = db.session.scalar(select(func.count(Submission.id)))
    r = client.post(f"/casestudies/rubrics/{rubric.id}/try", data={"text": "现场检查情况：\n情况<i>严重</i>。"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and '<mark class="cs-bad"' in page and ">严重</mark>" in page
    assert "&lt;i&gt;" in page and "<i>" not in page
    assert db.session.scalar(select(func.count(Submission.id))) == before
    assert client.post(f"/casestudies/rubrics/{rubric.id}/try", data={"text": " "}).status_code == 400


def test_every_post_form_carries_a_csrf_token():
    root = Path(__file__).resolve().parents[2] / "casestudies" / "templates"
    for path in root.rglob("*.html"):
        for form in re.findall(r"<form[^>]*method=\"post\".*?</form>", path.read_text(), re.S):
            assert "csrf_token()" in form or "hidden_tag()" in form, (path.name, form[:120])
