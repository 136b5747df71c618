"""Who may grant what: every roster path × every actor role, against one expected table.

The expectations are written out here, independently of lianbing/accounts/grants.py: a city
admin manages anyone anywhere; a county admin manages officers and county admins of their
own bureau (441402 here) and no trainer; trainers and officers manage nobody.
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from lianbing.accounts import services
from lianbing.accounts.models import Bureau, User
from lianbing.extensions import db

NEW_PASSWORD = "Fresh-pass-2024"
ACTORS = [
    ("city_admin", "441400"),
    ("bureau_admin", "441402"),
    ("trainer", "441400"),
    ("officer", "441402"),
]
TARGETS = [
    ("officer", "441402"),
    ("officer", "441403"),
    ("bureau_admin", "441402"),
    ("bureau_admin", "441403"),
    ("trainer", "441402"),
    ("trainer", "441400"),
    ("city_admin", "441400"),
]
ALLOWED = {("city_admin", t) for t in TARGETS} | {
    ("bureau_admin", ("officer", "441402")),
    ("bureau_admin", ("bureau_admin", "441402")),
}
LABELS = {
    "officer": "执法人员",
    "trainer": "培训员",
    "bureau_admin": "县级管理员",
    "city_admin": "市局管理员",
}
CASES = [(actor, target) for actor in ACTORS for target in TARGETS]


def _bureau_id(code: str) -> int:
    return db.session.scalar(select(Bureau.id).where(Bureau.code == code))


def _user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def _ids(case):
    (actor, _), (role, code) = case
    return f"{actor}->{role}@{code}"


@pytest.fixture
def acting(client, auth, make_user):
    def act(role: str, code: str) -> User:
        user = make_user(role, code)
        auth.login(user.username)
        return user

    return act


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_create_through_the_form(client, acting, case):
    (actor, actor_code), (role, code) = case
    acting(actor, actor_code)
    before = _user_count()
    r = client.post(
        "/roster/new",
        data={
            "username": "new_person",
            "display_name": "新人员",
            "role": role,
            "bureau_id": _bureau_id(code),
            "password": NEW_PASSWORD,
        },
    )
    allowed = (actor, (role, code)) in ALLOWED
    assert (r.status_code == 302) is allowed
    assert _user_count() == before + (1 if allowed else 0)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_edit_reset_and_deactivate(client, acting, make_user, case):
    (actor, actor_code), (role, code) = case
    target = make_user(role, code)
    acting(actor, actor_code)
    allowed = (actor, (role, code)) in ALLOWED
    data = {"username": target.username, "display_name": "改过的名字", "role": role}
    r = client.post(f"/roster/{target.id}", data={**data, "bureau_id": target.bureau_id})
    assert (r.status_code == 302) is allowed
    r = client.post(f"/roster/{target.id}/password", data={"new_password": NEW_PASSWORD})
    assert (r.status_code == 302) is allowed
    r = client.post(f"/roster/{target.id}/active")
    assert (r.status_code == 302) is allowed
    db.session.expire_all()
    target = db.session.get(User, target.id)
    assert (target.display_name == "改过的名字") is allowed
    assert target.check_password(NEW_PASSWORD) is allowed
    assert target.is_active is not allowed


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_import(client, acting, xlsx, case):
    (actor, actor_code), (role, code) = case
    acting(actor, actor_code)
    bureau = db.session.get(Bureau, _bureau_id(code))
    data = xlsx([["新人员", "imported_one", bureau.short_name, LABELS[role], "", ""]])
    before = _user_count()
    r = client.post(
        "/roster/import",
        data={
            "file": (io.BytesIO(data), "名单.xlsx"),
            "default_password": NEW_PASSWORD,
        },
        content_type="multipart/form-data",
    )
    allowed = (actor, (role, code)) in ALLOWED
    assert (r.status_code == 303) is allowed  # a good file goes to its import job
    assert _user_count() == before + (1 if allowed else 0)


def test_county_admins_import_with_a_city_admin_row_is_refused_whole(client, acting, xlsx):
    """The critical defect: 市局管理员 in the 角色 column of a county admin's file."""
    acting("bureau_admin", "441402")
    data = xlsx(
        [
            ["张三", "zhang_san", "梅江区", "执法人员", "", ""],
            ["李四", "li_si_boss", "梅江区", "市局管理员", "", ""],
            ["王五", "wang_wu", "梅江区", "执法人员", "", ""],
        ]
    )
    before = _user_count()
    r = client.post(
        "/roster/import",
        data={
            "file": (io.BytesIO(data), "名单.xlsx"),
            "default_password": NEW_PASSWORD,
        },
        content_type="multipart/form-data",
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "<td>第 3 行</td><td>县级管理员不能导入市局管理员账号" in page
    assert _user_count() == before
    assert db.session.scalar(select(User).where(User.username == "li_si_boss")) is None


def test_the_form_offers_only_the_roles_the_rule_allows(client, acting):
    acting("bureau_admin", "441402")
    page = client.get("/roster/new").get_data(as_text=True)
    options = page.split('name="role"')[1].split("</select>")[0]
    assert 'value="officer"' in options and 'value="bureau_admin"' in options
    assert 'value="city_admin"' not in options and 'value="trainer"' not in options
    acting("city_admin", "441400")
    options = client.get("/roster/new").get_data(as_text=True).split('name="role"')[1]
    assert 'value="city_admin"' in options.split("</select>")[0]


def test_a_county_admin_cannot_promote_an_officer(client, acting, make_user):
    officer = make_user("officer", "441402")
    admin = acting("bureau_admin", "441402")
    data = {
        "username": officer.username,
        "display_name": officer.display_name,
        "role": "city_admin",
        "bureau_id": officer.bureau_id,
    }
    assert client.post(f"/roster/{officer.id}", data=data).status_code == 400
    with pytest.raises(services.NotAllowed, match="不能管理市局管理员"):
        services.update_user(
            officer, services.UserData(**{**data, "password": None}), actor_id=admin.id
        )
    db.session.rollback()
    assert db.session.get(User, officer.id).role == "officer"


def test_services_refuse_an_actor_outside_the_rule(make_user):
    """The rule holds below the views too: the services check it whenever an actor is named."""
    admin = make_user("bureau_admin", "441402")
    other = make_user("officer", "441403")
    data = services.UserData(
        "sneaky", "某人", "city_admin", _bureau_id("441400"), password=NEW_PASSWORD
    )
    with pytest.raises(services.NotAllowed):
        services.create_user(data, actor_id=admin.id)
    with pytest.raises(services.NotAllowed):
        services.reset_password(other, NEW_PASSWORD, actor_id=admin.id)
    with pytest.raises(services.NotAllowed):
        services.set_active(other, False, actor_id=admin.id)
    # the command line (no actor) is the operator's, and allowed
    assert services.create_user(data).role == "city_admin"
