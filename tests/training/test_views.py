"""Training views through the test client: pages, permissions and bad input one by one."""
from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.ledger.models import ScoreEntry
from training import services as svc
from training.models import Attendance, CheckAttempt, Lesson, LessonAttachment, StudyRecord

ROLES = ["officer", "trainer", "bureau_admin", "city_admin"]
XSS = ["<script>alert('x')</script>", "<img src=x onerror=alert(1)>", "[a](javascript:alert(1))",
       "<a href=\"javascript:alert(1)\">b</a>", "<svg/onload=alert(1)>", "<iframe src=//evil></iframe>",
       "<p onmouseover=alert(1)>c</p>", "<math><mi xlink:href=\"javascript:alert(1)\">d</mi></math>"]


def login(auth, make_user, role="officer", bureau="441402"):
    user = make_user(role, bureau)
    auth.login(user.username)
    return user


# --- permissions ----------------------------------------------------------------

PROTECTED = {
    "/training/manage": {"trainer", "city_admin"},
    "/training/manage/modules/new": {"trainer", "city_admin"},
    "/training/laws/import": {"trainer", "city_admin"},
    "/training/lectures/new": {"trainer", "bureau_admin", "city_admin"},
    "/training/plans": {"bureau_admin", "city_admin"},
    "/training/plans/overdue": {"bureau_admin", "city_admin"},
    "/training/dashboard": {"bureau_admin", "city_admin"},
    "/training/dashboard.xlsx": {"bureau_admin", "city_admin"},
    "/training/": set(ROLES),
    "/training/laws": set(ROLES),
    "/training/lectures": set(ROLES),
    "/training/signin": set(ROLES),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", sorted(PROTECTED))
def test_permission_matrix(client, auth, make_user, library, role, path):
    login(auth, make_user, role, "441400" if role in ("trainer", "city_admin") else "441402")
    expected = 200 if role in PROTECTED[path] else 403
    assert client.get(path).status_code == expected


def test_anonymous_is_sent_to_login(client):
    assert client.get("/training/").status_code == 302


def test_author_pages_render(client, auth, make_user, make_module):
    module = make_module()
    login(auth, make_user, "trainer", "441400")
    for path in (f"/training/manage/modules/{module.id}", f"/training/manage/modules/{module.id}/lessons/new",
                 f"/training/manage/lessons/{module.lessons[0].id}", "/training/laws/EPL2014",
                 "/training/laws?q=查封"):
        assert client.get(path).status_code == 200, path


# --- studying ---------------------------------------------------------------------

def test_officer_studies_lesson_with_inline_article_and_heartbeats(client, auth, make_user, make_module):
    module = make_module()
    officer = login(auth, make_user)
    page = client.get(f"/training/lessons/{module.lessons[1].id}").get_data(as_text=True)
    assert "《中华人民共和国环境保护法》第25条" in page and "X-CSRFToken" in page
    record = db.session.scalar(select(StudyRecord).where(StudyRecord.user_id == officer.id))
    assert client.post(f"/training/records/{record.id}/beat", json={"visible": True}).get_json() == {"credited": 0}
    r = client.post(f"/training/lessons/{module.lessons[1].id}/done")
    assert r.status_code == 302
    assert "已学完" in client.get(f"/training/modules/{module.id}").get_data(as_text=True)


def test_heartbeat_for_another_officers_record_is_403(client, auth, make_user, make_module):
    module = make_module()
    other = make_user("officer")
    record = svc.open_lesson(other, module.lessons[0])
    db.session.commit()
    login(auth, make_user)
    r = client.post(f"/training/records/{record.id}/beat", json={"visible": True})
    assert r.status_code == 403 and "他人" in r.get_json()["error"]
    assert client.post("/training/records/99999/beat", json={}).status_code == 404


def test_lesson_not_assigned_is_403(client, auth, make_user, make_module):
    module = make_module(roles=("trainer",))
    login(auth, make_user)
    assert client.get(f"/training/lessons/{module.lessons[0].id}").status_code == 403
    assert client.post(f"/training/lessons/{module.lessons[0].id}/done").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(StudyRecord)) == 0


def test_check_page_never_sends_answers_and_double_submit_is_409(client, auth, make_user, make_module):
    module = make_module()
    svc.add_question(module, svc.QuestionData("multiple", "多选", ("甲项", "乙项", "丙项"), (0, 2)))
    db.session.commit()
    officer = login(auth, make_user)
    page = client.get(f"/training/modules/{module.id}/check").get_data(as_text=True)
    assert "甲项" in page and "正确答案" not in page and "checked" not in page and "answer" not in page
    attempt = db.session.scalar(select(CheckAttempt).where(CheckAttempt.user_id == officer.id))
    form = {f"q{q.id}": [str(i) for i in q.answer] for q in module.questions}
    r = client.post(f"/training/attempts/{attempt.id}", data=form)
    assert r.status_code == 302
    result = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "100.0%" in result and "正确答案" in result
    again = client.post(f"/training/attempts/{attempt.id}", data={})
    assert again.status_code == 409 and "不能重复提交" in again.get_data(as_text=True)
    assert db.session.get(CheckAttempt, attempt.id).score == 1.0


def test_garbage_answers_score_zero(client, auth, make_user, make_module):
    module = make_module()
    login(auth, make_user)
    client.get(f"/training/modules/{module.id}/check")
    attempt = db.session.scalar(select(CheckAttempt))
    r = client.post(f"/training/attempts/{attempt.id}", data={"qabc": "1", f"q{module.questions[0].id}": ["x", "-1", "99"]})
    assert r.status_code == 302 and db.session.get(CheckAttempt, attempt.id).score == 0.0


# --- authoring: XSS and attachments --------------------------------------------------

@pytest.mark.parametrize("payload", XSS)
def test_lesson_markdown_payloads_are_neutralised_on_the_page(client, auth, make_user, make_module, payload):
    module = make_module()
    trainer = make_user("trainer", "441400")
    auth.login(trainer.username)
    lesson = module.lessons[0]
    r = client.post(f"/training/manage/lessons/{lesson.id}", data={
        "title": "课", "body": f"正文 {payload} [[EPL2014:24]]", "minutes": 5, "is_required": "y", "position": 0})
    assert r.status_code == 302
    page = client.get(f"/training/lessons/{lesson.id}").get_data(as_text=True)
    body = page.split('<article class="lesson-body mb-3">')[1].split("</article>")[0].lower()
    for bad in ("<script", "onerror", "onload", "onmouseover", "javascript:", "<iframe", "<svg"):
        assert bad not in body
    assert "现场检查" in body


def _upload(client, lesson_id, name, data):
    return client.post(f"/training/manage/lessons/{lesson_id}/attachments",
                       data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


@pytest.mark.parametrize("name,data,message", [
    ("run.exe", b"MZ...", "不支持的文件类型"),
    ("notes.html", b"<script>alert(1)</script>", "不支持的文件类型"),
    ("fake.pdf", b"<html>not a pdf</html>", "内容与扩展名"),
    ("big.pdf", b"%PDF" + b"0" * (svc.ATTACHMENT_MAX_BYTES + 1), "超过大小限制"),
    ("empty.pdf", b"", "不能为空"),
])
def test_bad_attachments_are_refused(client, auth, make_user, make_module, name, data, message):
    module = make_module()
    login(auth, make_user, "trainer", "441400")
    r = _upload(client, module.lessons[0].id, name, data)
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(LessonAttachment)) == 0


def test_good_attachment_is_downloadable_by_the_officer(client, auth, make_user, make_module):
    module = make_module()
    login(auth, make_user, "trainer", "441400")
    assert _upload(client, module.lessons[0].id, "讲义.pdf", b"%PDF-1.4 demo").status_code == 302
    attachment = db.session.scalar(select(LessonAttachment))
    login(auth, make_user)
    r = client.get(f"/training/attachments/{attachment.id}")
    assert r.status_code == 200 and r.data == b"%PDF-1.4 demo"


def test_add_question_bad_answer_is_400(client, auth, make_user, make_module):
    module = make_module(questions=False)
    login(auth, make_user, "trainer", "441400")
    r = client.post(f"/training/manage/modules/{module.id}/questions",
                    data={"kind": "single", "prompt": "题", "options": "甲\n乙", "answer": "D", "points": 1})
    assert r.status_code == 400 and "正确答案必须是已有的选项" in r.get_data(as_text=True)
    r = client.post(f"/training/manage/modules/{module.id}/questions",
                    data={"kind": "multiple", "prompt": "题", "options": "甲\n乙\n丙", "answer": "AC", "points": 2})
    assert r.status_code == 302
    db.session.refresh(module)
    assert module.questions[0].answer == [0, 2]


def test_lesson_citing_unknown_article_is_400(client, auth, make_user, make_module):
    module = make_module()
    login(auth, make_user, "trainer", "441400")
    r = client.post(f"/training/manage/modules/{module.id}/lessons/new",
                    data={"title": "新课", "body": "[[EPL2014:999]]", "minutes": 5, "position": 0})
    assert r.status_code == 400 and "EPL2014:999" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Lesson)) == 2


# --- library import ---------------------------------------------------------------------

def test_law_import_from_text_and_bad_files(client, auth, make_user):
    login(auth, make_user, "city_admin", "441400")
    text = "第一章 总则\n第一条 为防治大气污染，制定本法。\n第二条 防治大气污染应当以改善大气环境质量为目标。".encode()
    form = {"code": "APPL2018", "name": "大气污染防治法", "issuer": "全国人大常委会"}
    r = client.post("/training/laws/import", data={**form, "file": (io.BytesIO(text), "a.txt")},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    assert "改善大气环境质量" in client.get("/training/laws/APPL2018").get_data(as_text=True)
    for name, data, message in [("a.pdf", b"%PDF", "只支持"), ("b.txt", "没有条文".encode(), "没有找到任何条文"),
                                ("c.txt", "第一条 甲\n第一条 乙".encode(), "重复")]:
        r = client.post("/training/laws/import", data={**form, "file": (io.BytesIO(data), name)},
                        content_type="multipart/form-data")
        assert r.status_code == 400 and message in r.get_data(as_text=True), name
    assert "为防治大气污染" in client.get("/training/laws/APPL2018").get_data(as_text=True)


def test_law_import_refuses_an_oversized_file(client, auth, make_user):
    login(auth, make_user, "city_admin", "441400")
    big = ("第一条 " + "字" * 100 + "\n").encode() * 20000
    form = {"code": "BIG", "name": "过大的法规", "file": (io.BytesIO(big), "big.txt")}
    r = client.post("/training/laws/import", data=form, content_type="multipart/form-data")
    assert r.status_code == 400 and "不能超过 5 MB" in r.get_data(as_text=True)
    assert client.get("/training/laws/BIG").status_code == 404


# --- lectures -----------------------------------------------------------------------

def test_sign_in_with_code_and_attendance_export(client, auth, make_user, make_lecture, campaign):
    lecture = make_lecture(start=utcnow() - timedelta(minutes=10), minutes=60)
    officer = login(auth, make_user, "officer", "441403")
    r = client.post("/training/signin", data={"code": lecture.code.lower()})
    assert r.status_code == 302
    assert db.session.scalar(select(ScoreEntry.kind).where(ScoreEntry.user_id == officer.id)) == "lecture"
    again = client.post("/training/signin", data={"code": lecture.code})
    assert again.status_code == 409 and "已经签到" in again.get_data(as_text=True)
    login(auth, make_user, "city_admin", "441400")
    assert lecture.code in client.get(f"/training/lectures/{lecture.id}").get_data(as_text=True)
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/training/lectures/{lecture.id}/attendance.xlsx").data))
    rows = list(book.active.values)
    assert rows[0][1] == "姓名" and rows[1][1] == officer.display_name


def test_late_code_is_409_and_foreign_code_is_403(client, auth, make_user, make_lecture):
    past = make_lecture(start=utcnow() - timedelta(hours=3), minutes=60, title="过去")
    county = make_lecture(bureau_code="441402", start=utcnow(), title="梅江")
    login(auth, make_user, "officer", "441403")
    r = client.post("/training/signin", data={"code": past.code})
    assert r.status_code == 409 and "已经结束" in r.get_data(as_text=True)
    r = client.post("/training/signin", data={"code": county.code})
    assert r.status_code == 403 and "不面向" in r.get_data(as_text=True)
    r = client.post("/training/signin", data={"code": "NOPE99"})
    assert r.status_code == 404 and "签到码无效" in r.get_data(as_text=True)
    assert client.post("/training/signin", data={"code": ""}).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0


def test_bureau_admin_cannot_open_other_bureaus_lecture(client, auth, make_user, make_lecture):
    county = make_lecture(bureau_code="441403")
    login(auth, make_user, "bureau_admin", "441402")
    assert client.get(f"/training/lectures/{county.id}").status_code == 403
    assert client.get(f"/training/lectures/{county.id}/attendance.xlsx").status_code == 403


def test_lecture_form_creates_session_with_code(client, auth, make_user):
    admin = login(auth, make_user, "bureau_admin", "441402")
    r = client.post("/training/lectures/new", data={
        "title": "专题培训", "kind": "special", "starts_at": "2026-12-01T09:00", "ends_at": "2026-12-01T11:00",
        "place": "会议室", "speaker": "张", "bureau_id": admin.bureau_id, "audience": ["officer"]})
    assert r.status_code == 302
    bad = client.post("/training/lectures/new", data={
        "title": "反了", "kind": "special", "starts_at": "2026-12-01T11:00", "ends_at": "2026-12-01T09:00",
        "bureau_id": admin.bureau_id, "audience": ["officer"]})
    assert bad.status_code == 400 and "结束时间必须晚于开始时间" in bad.get_data(as_text=True)


# --- plans and dashboard ---------------------------------------------------------------

def test_plan_shows_on_officer_dashboard_and_overdue_list(client, auth, make_user, make_module):
    module = make_module(roles=("trainer",))
    login(auth, make_user, "city_admin", "441400")
    r = client.post("/training/plans", data={"module_id": module.id, "role": "officer", "bureau_id": 0,
                                             "due_on": "2017-07-01"})
    assert r.status_code == 302
    officer = make_user("officer", "441402")
    assert officer.display_name in client.get("/training/plans/overdue").get_data(as_text=True)
    auth.login(officer.username)
    home = client.get("/home").get_data(as_text=True)
    assert "【已逾期】" + module.title in home


def test_bureau_admin_plan_for_other_bureau_is_403(client, auth, make_user, make_module):
    module = make_module()
    admin = login(auth, make_user, "bureau_admin", "441402")
    r = client.post("/training/plans", data={"module_id": module.id, "role": "officer",
                                             "bureau_id": admin.bureau_id + 1, "due_on": "2017-07-01"})
    assert r.status_code == 403 and "只能给本单位分配" in r.get_data(as_text=True)
    r = client.post("/training/plans", data={"module_id": 9999, "role": "officer",
                                             "bureau_id": admin.bureau_id, "due_on": "2017-07-01"})
    assert r.status_code == 404 and "学习模块不存在" in r.get_data(as_text=True)
    r = client.post("/training/plans", data={"module_id": module.id, "role": "officer",
                                             "bureau_id": admin.bureau_id, "due_on": "七月一日"})
    assert r.status_code == 400 and "不是有效的日期" in r.get_data(as_text=True)
    assert svc.plans_visible_to(admin) == []


def test_dashboard_scoping_and_export(client, auth, make_user, make_module):
    make_module()
    a = make_user("officer", "441402", display_name="梅江甲")
    b = make_user("officer", "441403", display_name="梅县乙")
    admin = login(auth, make_user, "bureau_admin", "441402")
    page = client.get("/training/dashboard").get_data(as_text=True)
    assert a.display_name in page and b.display_name not in page and "<svg" in page
    assert client.get(f"/training/dashboard?bureau={b.bureau_id}").status_code == 403
    book = openpyxl.load_workbook(io.BytesIO(client.get("/training/dashboard.xlsx").data))
    names = [row[1] for row in book["人员明细"].values]
    assert a.display_name in names and b.display_name not in names
    login(auth, make_user, "city_admin", "441400")
    page = client.get("/training/dashboard").get_data(as_text=True)
    assert "梅江区" in page and "梅县区" in page and "<svg" in page
    assert b.display_name in client.get(f"/training/dashboard?bureau={b.bureau_id}").get_data(as_text=True)
    assert admin.bureau_id != b.bureau_id


def test_article_key_links_to_the_law_page(client, auth, make_user, library):
    login(auth, make_user)
    r = client.get("/training/articles/EPL2014:25")
    assert r.status_code == 302 and r.headers["Location"].endswith("/training/laws/EPL2014#a25")
    assert client.get("/training/articles/EPL2014:999").status_code == 404


def test_check_of_unassigned_module_is_403(client, auth, make_user, make_module):
    module = make_module(roles=("trainer",))
    login(auth, make_user)
    assert client.get(f"/training/modules/{module.id}/check").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(CheckAttempt)) == 0


def test_plan_delete_scoped_to_own_bureau(client, auth, make_user, make_module):
    module = make_module()
    city = make_user("city_admin", "441400")
    plan = svc.create_plan(city, svc.PlanData(module.id, "officer", None, utcnow().date()))
    db.session.commit()
    login(auth, make_user, "bureau_admin", "441402")
    assert client.post(f"/training/plans/{plan.id}/delete").status_code == 403
    auth.login(city.username)
    assert client.post(f"/training/plans/{plan.id}/delete").status_code == 302
    assert svc.plans_visible_to(city) == []


def test_officer_index_counts_lecture_minutes(client, auth, make_user, make_lecture, make_module):
    make_module()
    lecture = make_lecture(start=utcnow() + timedelta(minutes=5), minutes=60)
    officer = login(auth, make_user)
    svc.sign_in(officer, lecture.code)
    db.session.commit()
    page = client.get("/training/").get_data(as_text=True)
    assert "参加讲座培训 1 场，计 60 分钟" in page and "开始学习" in page


def test_admin_home_card_counts_overdue(client, auth, make_user, make_module):
    module = make_module()
    city = make_user("city_admin", "441400")
    make_user("officer", "441402")
    svc.create_plan(city, svc.PlanData(module.id, "officer", None, utcnow().date() - timedelta(days=3)))
    db.session.commit()
    auth.login(city.username)
    assert "1 人次逾期未完成学习任务" in client.get("/home").get_data(as_text=True)


def test_bad_numbers_get_chinese_messages(client, auth, make_user, make_module):
    module = make_module()
    login(auth, make_user, "trainer", "441400")
    r = client.post(f"/training/manage/modules/{module.id}/lessons/new",
                    data={"title": "新课", "body": "x", "minutes": "十", "position": 0})
    assert r.status_code == 400 and "不是有效的整数" in r.get_data(as_text=True)
    r = client.post(f"/training/manage/modules/{module.id}", data={"title": "", "pass_mark": 150,
                                                                   "target_roles": ["officer"]})
    assert r.status_code == 400 and "请填写标题" in r.get_data(as_text=True)
    assert "须在 0 到 100 之间" in r.get_data(as_text=True)


def test_organizer_adds_attendance_from_paper_list(client, auth, make_user, make_lecture, campaign):
    lecture = make_lecture(bureau_code="441402", start=utcnow() - timedelta(hours=3), minutes=60)
    officer = make_user("officer", "441402")
    stranger = make_user("officer", "441403")
    admin = login(auth, make_user, "bureau_admin", "441402")
    r = client.post(f"/training/lectures/{lecture.id}/attendance", data={"username": officer.username})
    assert r.status_code == 302
    entry = db.session.scalar(select(ScoreEntry).where(ScoreEntry.user_id == officer.id))
    assert (entry.kind, entry.points) == ("lecture", 60.0)
    for username, status, message in [(officer.username, 409, "已经签到"), ("nobody", 404, "找不到用户"),
                                      (stranger.username, 403, "只能补录本单位")]:
        r = client.post(f"/training/lectures/{lecture.id}/attendance", data={"username": username})
        assert r.status_code == status and message in r.get_data(as_text=True), username
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 1
    assert admin.role == "bureau_admin"
