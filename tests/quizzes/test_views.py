"""Bank pages via the test client: roles, search, editor, preview, import, export, bulk actions."""

import io
import logging

import pytest
from sqlalchemy import func, select

from lianbing.extensions import db
from quizzes import services
from quizzes.models import Question
from quizzes.services import QuestionData

TF = dict(
    qtype="truefalse",
    stem="保护环境是国家的基本国策。",
    content={"answer": True},
    legal_basis="《环境保护法》第四条",
    tags=["总则"],
    category="法律/环保法",
)
SINGLE = dict(
    qtype="single",
    stem="按日连续处罚自何日起算？",
    legal_basis="《环境保护法》第五十九条",
    content={
        "options": [
            {"text": "责令改正之日的次日", "weight": 1, "feedback": "对"},
            {"text": "发现之日"},
        ]
    },
)


def add(bank, **kw):
    q = services.create_question(bank, QuestionData(**kw))
    db.session.commit()
    return q


def count():
    return db.session.scalar(select(func.count(Question.id)))


READ_PAGES = ("/quizzes/banks", "/quizzes/banks/{bank}", "/quizzes/import")
READ_PAGES += ("/quizzes/banks/{bank}/export/gift", "/quizzes/template.xlsx")


@pytest.mark.parametrize(
    "role,bureau,read,write",
    [
        ("officer", "441402", 403, 403),
        # county authors read the city's banks and draw from them, but may not change them
        ("bureau_admin", "441402", 200, 403),
        ("trainer", "441402", 200, 403),
        ("trainer", "441400", 200, 200),
        ("city_admin", "441400", 200, 200),
    ],
)
def test_bank_pages_by_role(app, client, auth, make_user, bank, role, bureau, read, write):
    q = add(bank, **TF)
    user = make_user(role, bureau)
    auth.login(user.username)
    for url in READ_PAGES:
        assert client.get(url.format(bank=bank.id)).status_code == read, url
    assert client.get(f"/quizzes/questions/{q.id}/edit").status_code == write
    assert (
        client.post(
            "/quizzes/preview", data={"qtype": "truefalse", "stem": "x", "answer": "对"}
        ).status_code
        == read
    )


def test_anonymous_is_sent_to_login(client, bank):
    assert client.get(f"/quizzes/banks/{bank.id}").status_code in (302, 401)


def test_officer_index_shows_no_bank_links(client, auth, make_user):
    auth.login(make_user("officer").username)
    page = client.get("/quizzes/").get_data(as_text=True)
    assert client.get("/quizzes/").status_code == 200 and "/quizzes/banks" not in page


def test_search_by_legal_basis_tag_and_type(client, trainer, bank):
    add(bank, **TF)
    add(bank, **SINGLE)
    page = client.get(f"/quizzes/banks/{bank.id}", query_string={"basis": "第五十九条"}).get_data(
        as_text=True
    )
    assert "按日连续处罚自何日起算" in page and "基本国策" not in page
    page = client.get(
        f"/quizzes/banks/{bank.id}", query_string={"tag": "总则", "qtype": "truefalse"}
    ).get_data(as_text=True)
    assert "基本国策" in page and "按日连续处罚" not in page


def test_bad_filter_is_400(client, trainer, bank):
    assert (
        client.get(f"/quizzes/banks/{bank.id}", query_string={"qtype": "cloze"}).status_code == 400
    )


def test_browser_never_shows_keys(client, trainer, bank):
    add(bank, **SINGLE)
    page = client.get(f"/quizzes/banks/{bank.id}").get_data(as_text=True)
    assert "责令改正之日的次日" not in page


def test_create_question_in_editor(client, trainer, bank):
    r = client.post(
        f"/quizzes/banks/{bank.id}/questions/new",
        data={
            "qtype": "multiple",
            "stem": "三同时包括？",
            "options": "A. 同时设计\nB. 同时施工\nC. 同时验收",
            "answer": "AB",
            "difficulty": "2",
            "legal_basis": "《环境保护法》第四十一条",
            "tags": "三同时",
            "is_active": "y",
        },
    )
    assert r.status_code == 303
    q = db.session.scalar(select(Question))
    assert q.qtype == "multiple" and [o["text"] for o in q.content["options"]] == [
        "同时设计",
        "同时施工",
        "同时验收",
    ]
    assert [o["weight"] for o in q.content["options"]] == [0.5, 0.5, 0.0]


def test_editor_refuses_letter_beyond_options(client, trainer, bank):
    r = client.post(
        f"/quizzes/banks/{bank.id}/questions/new",
        data={
            "qtype": "single",
            "stem": "题干",
            "options": "甲\n乙",
            "answer": "D",
            "difficulty": "3",
        },
    )
    assert r.status_code == 400 and "超出选项范围" in r.get_data(as_text=True) and count() == 0


def test_edit_keeps_feedback_and_versions_after_answer(client, trainer, bank):
    q = add(bank, **SINGLE)
    services.freeze_version(services.current_version(q).id)
    db.session.commit()
    page = client.get(f"/quizzes/questions/{q.id}/edit").get_data(as_text=True)
    assert "责令改正之日的次日" in page  # authors see the key in the editor
    r = client.post(
        f"/quizzes/questions/{q.id}/edit",
        data={
            "qtype": "single",
            "stem": "按日连续处罚的起算日是？",
            "options": "责令改正之日的次日\n发现之日",
            "answer": "A",
            "difficulty": "3",
            "legal_basis": "《环境保护法》第五十九条",
            "is_active": "y",
        },
    )
    assert r.status_code == 303
    db.session.refresh(q)
    assert q.version == 2 and q.content["options"][0]["feedback"] == "对"
    assert [v.stem for v in q.versions] == [SINGLE["stem"], "按日连续处罚的起算日是？"]


def test_edit_duplicate_code_is_refused(client, trainer, bank):
    add(bank, code="A1", **TF)
    q = add(bank, code="A2", **SINGLE)
    r = client.post(
        f"/quizzes/questions/{q.id}/edit",
        data={
            "qtype": "single",
            "code": "A1",
            "stem": "x",
            "options": "甲\n乙",
            "answer": "A",
            "difficulty": "3",
        },
    )
    assert r.status_code == 400 and "编号“A1”在本题库中已存在" in r.get_data(as_text=True)


def test_preview_renders_sanitized_markdown(client, trainer):
    r = client.post(
        "/quizzes/preview",
        data={
            "qtype": "single",
            "stem": "**粗体**<script>alert(1)</script>",
            "options": "甲\n乙",
            "answer": "B",
            "difficulty": "3",
        },
    )
    html = r.get_data(as_text=True)
    assert "<strong>粗体</strong>" in html and "<script>" not in html and "答案：</strong>B" in html


def test_preview_lists_reasons(client, trainer):
    html = client.post(
        "/quizzes/preview", data={"qtype": "single", "stem": "x", "options": "甲", "answer": ""}
    ).get_data(as_text=True)
    assert "答案为空" in html and "选项数须在 2 到 8 之间" in html


def test_bulk_move_tag_deactivate(client, trainer, bank):
    ids = [add(bank, **{**TF, "stem": f"题{i}"}).id for i in range(3)]
    client.get(f"/quizzes/banks/{bank.id}")
    for action, target in (("move", "其他/杂项"), ("tag", "重点"), ("deactivate", "")):
        r = client.post(
            f"/quizzes/banks/{bank.id}/bulk",
            data={"action": action, "target": target, "ids": ids[:2]},
        )
        assert r.status_code == 303
    qs = services.bank_questions(bank.id)
    assert [q.category.path for q in qs] == ["其他/杂项", "其他/杂项", "法律/环保法"]
    assert [q.is_active for q in qs] == [False, False, True] and "重点" in qs[0].tag_list


def test_bulk_without_selection_is_400(client, trainer, bank):
    assert (
        client.post(f"/quizzes/banks/{bank.id}/bulk", data={"action": "deactivate"}).status_code
        == 400
    )


def test_bulk_without_csrf_is_refused(app, client, trainer, bank):
    q = add(bank, **TF)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        r = client.post(
            f"/quizzes/banks/{bank.id}/bulk", data={"action": "deactivate", "ids": [q.id]}
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert r.status_code == 400 and db.session.get(Question, q.id).is_active


# --- import and export pages -------------------------------------------------------------


def upload(client, data, name, bank="网页题库", **extra):
    return client.post(
        "/quizzes/import",
        data={"bank": bank, "fmt": "auto", "file": (io.BytesIO(data), name), **extra},
        content_type="multipart/form-data",
    )


def test_import_sample_excel_shows_report(client, trainer, corpora):
    r = upload(
        client, (corpora / "xlsx" / "safety_manager_bank_2020.xlsx").read_bytes(), "safety.xlsx"
    )
    html = r.get_data(as_text=True)
    assert (
        r.status_code == 200
        and "已导入 249 道题" in html
        and "单选题 90，多选题 50，判断题 109" in html
        and "第 181 行" in html
        and "但选项或答案不同" in html
    )
    assert count() == 249


def test_import_failure_shows_rows_and_writes_nothing(client, trainer):
    data = "题型,题干,选项A,选项B,答案\n单选题,甲?,甲,乙,A\n单选题,乙?,甲,乙,F\n".encode()
    r = upload(client, data, "bad.csv")
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "第 3 行" in html and "F 超出选项范围" in html and count() == 0
    assert services.bank_by_name("网页题库") is None


def test_import_skip_invalid_checkbox(client, trainer):
    data = "题型,题干,选项A,选项B,答案\n单选题,甲?,甲,乙,A\n单选题,乙?,甲,乙,F\n".encode()
    r = upload(client, data, "bad.csv", skip_invalid="y")
    assert r.status_code == 200 and "已跳过" in r.get_data(as_text=True) and count() == 1


def test_imports_and_exports_leave_a_line_in_the_operators_log(client, trainer, caplog):
    caplog.set_level(logging.INFO, logger="lianbing.quizzes")
    data = "题型,题干,选项A,选项B,答案\n单选题,甲?,甲,乙,A\n单选题,乙?,甲,乙,F\n".encode()
    upload(client, data, "bad.csv")
    upload(client, data, "bad.csv", skip_invalid="y")
    upload(client, b"<quiz><question", "x.xml")
    client.get(f"/quizzes/banks/{services.bank_by_name('网页题库').id}/export/gift")
    lines = [r.getMessage() for r in caplog.records if r.name == "lianbing.quizzes"]
    assert any("nothing stored; 0 imported, 1 failed" in line for line in lines)
    assert any(": stored; 1 imported, 1 failed" in line for line in lines)
    assert any("refused, file 'x.xml' unreadable" in line for line in lines)
    assert any("exported as gift (category all): 1 questions" in line for line in lines)


@pytest.mark.parametrize(
    "data,name,message",
    [
        (b"", "empty.csv", "请选择要上传的文件"),
        (b"%PDF-1.4", "x.pdf", "不支持的文件类型"),
        (
            b"<?xml version='1.0'?><!DOCTYPE q [<!ENTITY a SYSTEM 'file:///etc/passwd'>]><quiz>&a;</quiz>",
            "x.xml",
            "拒绝导入",
        ),
        (b"<quiz><question type='essay'>", "x.xml", "XML 格式错误"),
        ("问题,说明\n甲,乙\n".encode("gbk"), "x.csv", "缺少必需的列"),
        (b"\xd0\xcf\x11\xe0 old excel", "old.xls", "另存为 .xlsx"),
    ],
)
def test_bad_uploads_are_400_with_chinese_message(client, trainer, data, name, message):
    r = upload(client, data, name)
    assert r.status_code == 400 and message in r.get_data(as_text=True) and count() == 0


def test_50_mb_upload_is_413_with_chinese_message(client, trainer):
    r = upload(client, b"0" * (50 * 1024 * 1024), "huge.csv")
    assert r.status_code == 413 and "上传的文件太大" in r.get_data(as_text=True) and count() == 0


@pytest.mark.parametrize(
    "fmt,needle",
    [("gift", "::EPL001::"), ("moodle-xml", "<idnumber>EPL001</idnumber>"), ("xlsx", "PK")],
)
def test_export_buttons_download(client, trainer, fmt, needle):
    from quizzes import demo

    demo.load_demo(1)
    db.session.commit()
    bank = services.bank_by_name(demo.DEMO_BANK)
    r = client.get(f"/quizzes/banks/{bank.id}/export/{fmt}")
    assert (
        r.status_code == 200
        and needle.encode() in r.data
        and "attachment" in r.headers["Content-Disposition"]
    )


def test_export_unknown_format_is_404(client, trainer, bank):
    assert client.get(f"/quizzes/banks/{bank.id}/export/docx").status_code == 404


def test_template_is_importable_and_empty(client, trainer):
    r = client.get("/quizzes/template.xlsx")
    assert r.status_code == 200
    assert upload(client, r.data, "template.xlsx").status_code == 400  # no questions in it: says so


def test_export_one_category(client, trainer, bank):
    add(bank, **TF)
    add(bank, **{**SINGLE, "category": "其他"})
    category = services.category_by_path(bank.id, "法律")
    gift = client.get(
        f"/quizzes/banks/{bank.id}/export/gift", query_string={"category": category.id}
    ).get_data(as_text=True)
    assert "基本国策" in gift and "按日连续处罚" not in gift


def test_dashboard_card_for_trainers_only(client, auth, make_user, bank):
    auth.login(make_user("trainer").username)
    assert "1 个题库" in client.get("/home").get_data(as_text=True)
    auth.logout()
    auth.login(make_user("officer").username)
    assert "1 个题库" not in client.get("/home").get_data(as_text=True)


def test_unknown_type_in_editor_is_400_in_chinese(client, trainer, bank):
    r = client.post(
        f"/quizzes/banks/{bank.id}/questions/new",
        data={"qtype": "cloze", "stem": "x", "difficulty": "3"},
    )
    html = r.get_data(as_text=True)
    assert (
        r.status_code == 400
        and "Not a valid choice" not in html
        and "题型：" in html
        and count() == 0
    )


def test_preview_shows_numbered_blanks_in_the_stem(client, trainer):
    html = client.post(
        "/quizzes/preview",
        data={"qtype": "fill", "stem": "每年{{1}}月{{2}}日", "answer": "6；5", "difficulty": "3"},
    ).get_data(as_text=True)
    assert "每年（1）＿＿＿＿月（2）＿＿＿＿日" in html and "{{1}}" not in html


def test_creating_a_bank_says_so_and_its_export_is_not_called_a_template(client, trainer):
    r = client.post(
        "/quizzes/banks", data={"name": "大气法题库", "description": ""}, follow_redirects=True
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "已新建题库“大气法题库”" in page
    assert "导出 Excel（可再导入）" in page and "导出 Excel 模板" not in page
