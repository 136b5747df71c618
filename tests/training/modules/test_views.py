"""Module pages through the test client: studying, the check, authoring, attachments."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lianbing.extensions import db
from lianbing.host import ROLES, utcnow
from training.lectures import services as lectures
from training.modules import services as modules
from training.modules import study
from training.modules.models import CheckAttempt, Lesson, LessonAttachment, StudyRecord

XSS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "[a](javascript:alert(1))",
    '<a href="javascript:alert(1)">b</a>',
    "<svg/onload=alert(1)>",
    "<iframe src=//evil></iframe>",
    "<p onmouseover=alert(1)>c</p>",
    '<math><mi xlink:href="javascript:alert(1)">d</mi></math>',
]

PROTECTED = {
    "/training/manage": {"trainer", "city_admin"},
    "/training/manage/modules/new": {"trainer", "city_admin"},
    "/training/": set(ROLES),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", sorted(PROTECTED))
def test_permission_matrix(client, login, library, role, path):
    login(role, "441400" if role in ("trainer", "city_admin") else "441402")
    expected = 200 if role in PROTECTED[path] else 403
    assert client.get(path).status_code == expected


def test_anonymous_is_sent_to_login(client):
    assert client.get("/training/").status_code == 302


def test_author_pages_render(login, client, make_module):
    module = make_module()
    login("trainer", "441400")
    for path in (
        f"/training/manage/modules/{module.id}",
        f"/training/manage/modules/{module.id}/lessons/new",
        f"/training/manage/lessons/{module.lessons[0].id}",
        "/training/laws/EPL2014",
        "/training/laws?q=查封",
    ):
        assert client.get(path).status_code == 200, path


def test_officer_studies_lesson_with_inline_article_and_heartbeats(login, client, make_module):
    module = make_module()
    officer = login()
    page = client.get(f"/training/lessons/{module.lessons[1].id}").get_data(as_text=True)
    assert "《中华人民共和国环境保护法》第25条" in page and "X-CSRFToken" in page
    record = db.session.scalar(select(StudyRecord).where(StudyRecord.user_id == officer.id))
    assert client.post(
        f"/training/records/{record.id}/beat", json={"visible": True}
    ).get_json() == {"credited": 0}
    r = client.post(f"/training/lessons/{module.lessons[1].id}/done")
    assert r.status_code == 302
    assert "已学完" in client.get(f"/training/modules/{module.id}").get_data(as_text=True)


def test_heartbeat_for_another_officers_record_is_403(login, client, make_user, make_module):
    module = make_module()
    other = make_user("officer")
    record = study.open_lesson(other, module.lessons[0])
    db.session.commit()
    login()
    r = client.post(f"/training/records/{record.id}/beat", json={"visible": True})
    assert r.status_code == 403 and "他人" in r.get_json()["error"]
    assert client.post("/training/records/99999/beat", json={}).status_code == 404


def test_lesson_not_assigned_is_403(login, client, make_module):
    module = make_module(roles=("trainer",))
    login()
    assert client.get(f"/training/lessons/{module.lessons[0].id}").status_code == 403
    assert client.post(f"/training/lessons/{module.lessons[0].id}/done").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(StudyRecord)) == 0


def test_check_page_never_sends_answers_and_double_submit_is_409(login, client, make_module):
    module = make_module()
    modules.add_question(
        module, modules.QuestionData("multiple", "多选", ("甲项", "乙项", "丙项"), (0, 2))
    )
    db.session.commit()
    officer = login()
    page = client.get(f"/training/modules/{module.id}/check").get_data(as_text=True)
    assert (
        "甲项" in page and "正确答案" not in page and "checked" not in page and "answer" not in page
    )
    attempt = db.session.scalar(select(CheckAttempt).where(CheckAttempt.user_id == officer.id))
    form = {f"q{q.id}": [str(i) for i in q.answer] for q in module.questions}
    r = client.post(f"/training/attempts/{attempt.id}", data=form)
    assert r.status_code == 302
    result = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "100.0%" in result and "正确答案" in result
    again = client.post(f"/training/attempts/{attempt.id}", data={})
    assert again.status_code == 409 and "不能重复提交" in again.get_data(as_text=True)
    assert db.session.get(CheckAttempt, attempt.id).score == 1.0


def test_garbage_answers_score_zero_and_tampered_ones_are_refused(login, client, make_module):
    module = make_module()
    login()
    client.get(f"/training/modules/{module.id}/check")
    attempt = db.session.scalar(select(CheckAttempt))
    url = f"/training/attempts/{attempt.id}"
    question = module.questions[0].id
    tampered = client.post(url, data={f"q{question}": ["99"]})
    assert tampered.status_code == 400 and "不存在的选项" in tampered.get_data(as_text=True)
    outside = client.post(url, data={"q999999": ["0"]})
    assert outside.status_code == 400 and "不属于本次试卷" in outside.get_data(as_text=True)
    db.session.refresh(attempt)
    assert attempt.submitted_at is None and attempt.score is None
    r = client.post(url, data={"qabc": "1", f"q{question}": ["x", "-1"]})
    assert r.status_code == 302 and db.session.get(CheckAttempt, attempt.id).score == 0.0


def test_check_of_unassigned_module_is_403(login, client, make_module):
    module = make_module(roles=("trainer",))
    login()
    assert client.get(f"/training/modules/{module.id}/check").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(CheckAttempt)) == 0


@pytest.mark.parametrize("payload", XSS)
def test_lesson_markdown_payloads_are_neutralised_on_the_page(
    login, client, auth, make_user, make_module, payload
):
    module = make_module()
    trainer = make_user("trainer", "441400")
    auth.login(trainer.username)
    lesson = module.lessons[0]
    r = client.post(
        f"/training/manage/lessons/{lesson.id}",
        data={
            "title": "课",
            "body": f"正文 {payload} [[EPL2014:24]]",
            "minutes": 5,
            "is_required": "y",
            "position": 0,
        },
    )
    assert r.status_code == 302
    page = client.get(f"/training/lessons/{lesson.id}").get_data(as_text=True)
    body = page.split('<article class="lesson-body mb-3">')[1].split("</article>")[0].lower()
    for bad in ("<script", "onerror", "onload", "onmouseover", "javascript:", "<iframe", "<svg"):
        assert bad not in body
    assert "现场检查" in body


def _upload(client, lesson_id, name, data):
    return client.post(
        f"/training/manage/lessons/{lesson_id}/attachments",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("run.exe", b"MZ...", "不支持的文件类型"),
        ("notes.html", b"<script>alert(1)</script>", "不支持的文件类型"),
        ("fake.pdf", b"<html>not a pdf</html>", "内容与扩展名"),
        ("big.pdf", b"%PDF" + b"0" * (modules.ATTACHMENT_MAX_BYTES + 1), "超过大小限制"),
        ("empty.pdf", b"", "不能为空"),
    ],
)
def test_bad_attachments_are_refused(login, client, make_module, name, data, message):
    module = make_module()
    login("trainer", "441400")
    r = _upload(client, module.lessons[0].id, name, data)
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(LessonAttachment)) == 0


def test_good_attachment_is_downloadable_by_the_officer(login, client, make_module):
    module = make_module()
    login("trainer", "441400")
    assert _upload(client, module.lessons[0].id, "讲义.pdf", b"%PDF-1.4 demo").status_code == 302
    attachment = db.session.scalar(select(LessonAttachment))
    login()
    r = client.get(f"/training/attachments/{attachment.id}")
    assert r.status_code == 200 and r.data == b"%PDF-1.4 demo"


def test_add_question_bad_answer_is_400(login, client, make_module):
    module = make_module(questions=False)
    login("trainer", "441400")
    r = client.post(
        f"/training/manage/modules/{module.id}/questions",
        data={"kind": "single", "prompt": "题", "options": "甲\n乙", "answer": "D", "points": 1},
    )
    assert r.status_code == 400 and "正确答案必须是已有的选项" in r.get_data(as_text=True)
    r = client.post(
        f"/training/manage/modules/{module.id}/questions",
        data={
            "kind": "multiple",
            "prompt": "题",
            "options": "甲\n乙\n丙",
            "answer": "AC",
            "points": 2,
        },
    )
    assert r.status_code == 302
    db.session.refresh(module)
    assert module.questions[0].answer == [0, 2]


def test_lesson_citing_unknown_article_is_400(login, client, make_module):
    module = make_module()
    login("trainer", "441400")
    r = client.post(
        f"/training/manage/modules/{module.id}/lessons/new",
        data={"title": "新课", "body": "[[EPL2014:999]]", "minutes": 5, "position": 0},
    )
    assert r.status_code == 400 and "EPL2014:999" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Lesson)) == 2


def test_bad_numbers_get_chinese_messages(login, client, make_module):
    module = make_module()
    login("trainer", "441400")
    r = client.post(
        f"/training/manage/modules/{module.id}/lessons/new",
        data={"title": "新课", "body": "x", "minutes": "十", "position": 0},
    )
    assert r.status_code == 400 and "不是有效的整数" in r.get_data(as_text=True)
    r = client.post(
        f"/training/manage/modules/{module.id}",
        data={"title": "", "pass_mark": 150, "target_roles": ["officer"]},
    )
    assert r.status_code == 400 and "请填写标题" in r.get_data(as_text=True)
    assert "须在 0 到 100 之间" in r.get_data(as_text=True)


def test_officer_index_counts_lecture_minutes(login, client, make_lecture, make_module):
    make_module()
    lecture = make_lecture(start=utcnow() + timedelta(minutes=5), minutes=60)
    officer = login()
    lectures.sign_in(officer, lecture.code)
    db.session.commit()
    page = client.get("/training/").get_data(as_text=True)
    assert "参加讲座培训 1 场，计 60 分钟" in page and "开始学习" in page
