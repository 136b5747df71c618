"""Rosters: bureau scoping, create/edit/deactivate/reset, import, export and template."""

import io

import pandas as pd
import pytest
from sqlalchemy import func, select

from lianbing.accounts.models import Bureau, User
from lianbing.audit.models import AuditLog
from lianbing.extensions import db

MEIXIAN, XINGNING = "441403", "441481"


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _bureau(code: str) -> Bureau:
    return db.session.scalar(select(Bureau).where(Bureau.code == code))


def _table(page: str, table_id: str) -> str:
    return page.split(f'id="{table_id}"')[1].split("</table>")[0]


# --- bureau scoping --------------------------------------------------------


@pytest.fixture
def xingning_officer(demo_people, user_named):
    return user_named(f"officer_{XINGNING}_1")


def test_meixian_admin_cannot_open_a_xingning_user(client, auth, xingning_officer):
    auth.login(f"admin_{MEIXIAN}")
    assert client.get(f"/roster/{xingning_officer.id}").status_code == 403


@pytest.mark.parametrize(
    "path, data",
    [
        ("/roster/{id}", {"username": "taken_over", "display_name": "改名", "role": "officer"}),
        ("/roster/{id}/password", {"new_password": "hijacked-pass"}),
        ("/roster/{id}/active", {}),
    ],
)
def test_meixian_admin_cannot_change_a_xingning_user(
    client, auth, xingning_officer, user_named, path, data
):
    auth.login(f"admin_{MEIXIAN}")
    data = {**data, "bureau_id": _bureau(MEIXIAN).id}
    r = client.post(path.format(id=xingning_officer.id), data=data)
    assert r.status_code in (403, 404)
    after = user_named(xingning_officer.username)
    assert (
        after.is_active and after.bureau.code == XINGNING and after.check_password("lianbing-demo")
    )
    assert _count(AuditLog, AuditLog.target_id == str(after.id)) == 1  # only its creation


def test_bureau_admin_cannot_touch_the_city_admin(client, auth, demo_people, user_named):
    auth.login(f"admin_{MEIXIAN}")
    assert client.get(f"/roster/{user_named('city_admin').id}").status_code == 403


def test_roster_lists_only_own_bureau_for_a_bureau_admin(client, auth, demo_people):
    auth.login(f"admin_{MEIXIAN}")
    page = client.get(f"/roster?bureau={_bureau(XINGNING).id}").get_data(as_text=True)
    users = _table(page, "users")
    assert f"officer_{MEIXIAN}_1" in users and f"officer_{XINGNING}_1" not in users
    assert users.count("<tr") == 1 + 6  # header + 5 officers and the admin
    assert 'id="bureaus"' not in page


def test_roster_export_is_scoped_too(client, auth, demo_people):
    auth.login(f"admin_{MEIXIAN}")
    r = client.get(f"/roster/export.xlsx?bureau={_bureau(XINGNING).id}")
    frame = pd.read_excel(io.BytesIO(r.data), dtype=str)
    assert set(frame["所属单位"]) == {"梅县区"} and len(frame) == 6


def test_city_admin_sees_nine_bureaus_and_everyone(client, auth, demo_people):
    auth.login("city_admin")
    page = client.get("/roster").get_data(as_text=True)
    bureaus = _table(page, "bureaus")
    assert bureaus.count("<tr") == 1 + 9
    for short in ("梅江区", "梅县区", "大埔县", "丰顺县", "五华县", "平远县", "蕉岭县", "兴宁市"):
        assert short in page
    assert _table(page, "users").count("<tr") == 1 + 50


def test_bureau_admin_cannot_create_in_another_bureau(client, auth, demo_people):
    auth.login(f"admin_{MEIXIAN}")
    r = client.post(
        "/roster/new",
        data={
            "username": "sneaky",
            "display_name": "某人",
            "role": "officer",
            "bureau_id": _bureau(XINGNING).id,
            "password": "long-enough-1",
        },
    )
    assert r.status_code == 400 and "所选项目不在可选范围内" in r.get_data(as_text=True)
    assert _count(User, User.username == "sneaky") == 0


def test_bureau_admin_cannot_create_a_city_admin(client, auth, demo_people):
    auth.login(f"admin_{MEIXIAN}")
    r = client.post(
        "/roster/new",
        data={
            "username": "boss2",
            "display_name": "某人",
            "role": "city_admin",
            "bureau_id": _bureau(MEIXIAN).id,
            "password": "long-enough-1",
        },
    )
    assert r.status_code == 400
    assert _count(User, User.username == "boss2") == 0


# --- managing own people ---------------------------------------------------


def test_bureau_admin_creates_edits_resets_and_deactivates(client, auth, demo_people, user_named):
    auth.login(f"admin_{MEIXIAN}")
    own = _bureau(MEIXIAN).id
    r = client.post(
        "/roster/new",
        data={
            "username": "new_officer",
            "display_name": "陈新",
            "role": "officer",
            "bureau_id": own,
            "cert_no": "44140399",
            "password": "long-enough-1",
        },
    )
    assert r.status_code == 302
    user = user_named("new_officer")
    r = client.post(
        f"/roster/{user.id}",
        data={
            "username": "new_officer",
            "display_name": "陈新华",
            "role": "officer",
            "bureau_id": own,
            "phone": "13900000000",
        },
    )
    assert r.status_code == 302 and user_named("new_officer").display_name == "陈新华"
    assert (
        client.post(
            f"/roster/{user.id}/password", data={"new_password": "reset-pass-1"}
        ).status_code
        == 302
    )
    assert user_named("new_officer").check_password("reset-pass-1")
    assert client.post(f"/roster/{user.id}/active").status_code == 302
    assert not user_named("new_officer").is_active
    actions = set(
        db.session.scalars(select(AuditLog.action).where(AuditLog.target_id == str(user.id)))
    )
    assert actions == {"user.create", "user.update", "user.reset_password", "user.deactivate"}


def test_duplicate_certificate_number_is_refused(client, auth, demo_people):
    auth.login("city_admin")
    r = client.post(
        "/roster/new",
        data={
            "username": "dup_cert",
            "display_name": "重复",
            "role": "officer",
            "bureau_id": _bureau(MEIXIAN).id,
            "cert_no": f"{MEIXIAN}0001",
            "password": "long-enough-1",
        },
    )
    assert r.status_code == 400 and "已被使用" in r.get_data(as_text=True)
    assert _count(User, User.username == "dup_cert") == 0


def test_short_reset_password_is_refused_on_the_page(client, auth, demo_people, user_named):
    auth.login("city_admin")
    user = user_named(f"officer_{MEIXIAN}_1")
    r = client.post(f"/roster/{user.id}/password", data={"new_password": "short"})
    assert r.status_code == 400 and "密码至少 8 位" in r.get_data(as_text=True)
    assert f'value="{user.username}"' in r.get_data(as_text=True)
    assert user_named(user.username).check_password("lianbing-demo")


def test_admin_cannot_deactivate_self(client, auth, demo_people, user_named):
    auth.login("city_admin")
    client.post(f"/roster/{user_named('city_admin').id}/active")
    assert user_named("city_admin").is_active


# --- import ----------------------------------------------------------------


def _upload(client, data: bytes, password="import-pass-1", name="名单.xlsx"):
    """Post the file; a file that passes its checks is imported by a job (run inline here, no
    REDIS_URL), whose page the redirect shows."""
    return client.post(
        "/roster/import",
        data={"file": (io.BytesIO(data), name), "default_password": password},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


GOOD = [
    ["张一", "zhang_yi", "梅县区", "执法人员", "44140301", "13800000001"],
    ["张二", "zhang_er", MEIXIAN, "县级管理员", "", ""],
    ["张三", "zhang_san", "梅州市生态环境局兴宁分局", "officer", "44148101", ""],
]


def test_import_a_good_file(client, auth, demo_people, xlsx, user_named):
    auth.login("city_admin")
    r = _upload(client, xlsx(GOOD))
    assert r.status_code == 200 and "zhang_yi" in r.get_data(as_text=True)
    yi, er, san = (user_named(n) for n in ("zhang_yi", "zhang_er", "zhang_san"))
    assert (yi.bureau.code, yi.role, yi.cert_no, yi.phone) == (
        MEIXIAN,
        "officer",
        "44140301",
        "13800000001",
    )
    assert (er.role, er.cert_no) == ("bureau_admin", None)
    assert san.bureau.code == XINGNING and san.check_password("import-pass-1")
    assert _count(AuditLog, AuditLog.action == "user.create") == 50 + 3


def test_import_with_bad_rows_writes_nothing_and_names_each_row(client, auth, demo_people, xlsx):
    auth.login("city_admin")
    rows = GOOD + [
        ["", "no_name", "梅县区", "执法人员", "", ""],  # row 5
        ["王五", "wang wu", "梅县区", "执法人员", "", ""],  # row 6
        ["赵六", "zhao_liu", "火星市", "执法人员", "", ""],  # row 7
        ["钱七", "qian_qi", "梅县区", "局长", "", ""],  # row 8
        ["孙八", "officer_441402_1", "梅县区", "执法人员", "", ""],  # row 9
        ["李九", "li_jiu", "梅县区", "执法人员", "", "abc"],
    ]  # row 10
    before = _count(User)
    r = _upload(client, xlsx(rows))
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    errors = _table(page, "import-errors")
    for line, reason in [
        (5, "姓名不能为空"),
        (6, "用户名须为"),
        (7, "找不到单位“火星市”"),
        (8, "角色“局长”无效"),
        (9, "用户名 officer_441402_1 已存在"),
        (10, "手机号 abc 格式不正确"),
    ]:
        assert f"<td>第 {line} 行</td><td>{reason}" in errors, (line, reason)
    assert "第 2 行" not in errors
    assert _count(User) == before


def test_import_duplicates_inside_the_file(client, auth, demo_people, xlsx):
    auth.login("city_admin")
    rows = [
        ["甲", "same_name", "梅县区", "执法人员", "44140311", ""],
        ["乙", "same_name", "梅县区", "执法人员", "44140312", ""],
        ["丙", "other_name", "梅县区", "执法人员", "44140311", ""],
    ]
    r = _upload(client, xlsx(rows))
    errors = _table(r.get_data(as_text=True), "import-errors")
    assert r.status_code == 400
    assert "<td>第 3 行</td><td>与第 2 行重复（same_name）" in errors
    assert "<td>第 4 行</td><td>与第 2 行重复（44140311）" in errors
    assert _count(User, User.username.in_(["same_name", "other_name"])) == 0


def test_bureau_admin_cannot_import_another_bureaus_people(client, auth, demo_people, xlsx):
    auth.login(f"admin_{MEIXIAN}")
    r = _upload(client, xlsx(GOOD))
    errors = _table(r.get_data(as_text=True), "import-errors")
    assert r.status_code == 400
    assert "<td>第 4 行</td><td>只能导入本单位人员" in errors
    assert "第 2 行" not in errors
    assert _count(User, User.username.like("zhang_%")) == 0


def test_bureau_admin_imports_own_people(client, auth, demo_people, xlsx, user_named):
    auth.login(f"admin_{MEIXIAN}")
    assert _upload(client, xlsx(GOOD[:1])).status_code == 200
    assert user_named("zhang_yi").bureau.code == MEIXIAN


@pytest.mark.parametrize(
    "data, message",
    [
        (b"not a spreadsheet", "无法读取 Excel 文件"),
        ("columns", "缺少列：所属单位、角色"),
        ("empty", "文件中没有数据行"),
    ],
)
def test_import_unreadable_files(client, auth, demo_people, xlsx, data, message):
    auth.login("city_admin")
    if data == "columns":
        data = xlsx([["张一", "zhang_yi"]], columns=("姓名", "用户名"))
    elif data == "empty":
        data = xlsx([])
    r = _upload(client, data)
    assert r.status_code == 400 and message in r.get_data(as_text=True)


@pytest.mark.parametrize(
    "name, size, message",
    [
        ("名单.csv", 100, "只支持 .xlsx 文件"),
        ("名单.xlsx", 5 * 1024 * 1024 + 1, "名单文件不能超过 5 MB"),
    ],
)
def test_import_refuses_wrong_type_and_oversized_files(
    client, auth, demo_people, name, size, message
):
    auth.login("city_admin")
    r = _upload(client, b"PK\x03\x04" + b"0" * (size - 4), name=name)
    assert r.status_code == 400 and message in r.get_data(as_text=True)


def test_import_needs_file_and_password(client, auth, demo_people, xlsx):
    auth.login("city_admin")
    r = _upload(client, xlsx(GOOD), password="short")
    assert r.status_code == 400 and "密码至少 8 位" in r.get_data(as_text=True)
    assert _count(User, User.username == "zhang_yi") == 0


def test_import_file_too_large(app, client, auth, demo_people):
    auth.login("city_admin")
    limit = app.config["MAX_CONTENT_LENGTH"]
    r = _upload(client, b"x" * (limit + 1))
    assert r.status_code == 413 and "上传的文件太大" in r.get_data(as_text=True)


# --- export and template ---------------------------------------------------


def test_template_download_reimports_cleanly(client, auth, demo_people):
    auth.login("city_admin")
    r = client.get("/roster/template.xlsx")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''" in r.headers["Content-Disposition"]
    frame = pd.read_excel(io.BytesIO(r.data), dtype=str)
    assert list(frame.columns) == ["姓名", "用户名", "所属单位", "角色", "执法证号", "手机"]
    assert _upload(client, r.data).status_code == 200  # the example row is a valid row


def test_city_admin_export_has_everyone(client, auth, demo_people):
    auth.login("city_admin")
    frame = pd.read_excel(io.BytesIO(client.get("/roster/export.xlsx").data), dtype=str)
    assert len(frame) == 50
    row = frame[frame["用户名"] == "officer_441481_2"].iloc[0]
    assert (row["所属单位"], row["角色"], row["执法证号"], row["状态"]) == (
        "兴宁市",
        "执法人员",
        "4414810002",
        "在用",
    )


def test_export_roundtrips_through_import(client, auth, demo_people):
    """An exported roster, with new usernames, is a valid import file."""
    auth.login("city_admin")
    frame = pd.read_excel(
        io.BytesIO(client.get(f"/roster/export.xlsx?bureau={_bureau(MEIXIAN).id}").data), dtype=str
    )
    frame["用户名"] = "copy_" + frame["用户名"]
    frame["执法证号"] = frame["执法证号"].map(lambda v: f"C{v}" if isinstance(v, str) else v)
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    assert _upload(client, buffer.getvalue()).status_code == 200
    assert _count(User, User.username.like("copy_%")) == 6


def test_imports_and_exports_leave_one_log_line_each(client, auth, demo_people, xlsx, caplog):
    auth.login("city_admin")
    caplog.clear()
    _upload(client, xlsx(GOOD))
    _upload(client, xlsx([["", "no_name", "梅县区", "执法人员", "", ""]]))
    client.get("/roster/export.xlsx")
    lines = [
        r.getMessage()
        for r in caplog.records
        if r.name == "lianbing.accounts" and "roster" in r.getMessage()
    ]
    assert len(lines) == 3
    assert (
        "3 users created" in lines[0]
        and "refused: 1 problems" in lines[1]
        and "roster export" in lines[2]
    )
