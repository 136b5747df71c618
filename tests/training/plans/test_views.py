"""Plan and dashboard pages: permissions, scoping, exports, home cards."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest

from lianbing.extensions import db
from lianbing.host import ROLES, utcnow
from training.plans import services as plans

PROTECTED = {
    "/training/plans": {"trainer", "bureau_admin", "city_admin"},
    "/training/plans/overdue": {"bureau_admin", "city_admin"},
    "/training/dashboard": {"bureau_admin", "city_admin"},
    "/training/dashboard.xlsx": {"bureau_admin", "city_admin"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", sorted(PROTECTED))
def test_permission_matrix(client, login, library, role, path):
    login(role, "441400" if role in ("trainer", "city_admin") else "441402")
    expected = 200 if role in PROTECTED[path] else 403
    assert client.get(path).status_code == expected


def test_plan_shows_on_officer_dashboard_and_overdue_list(
    login, client, auth, make_user, make_module
):
    module = make_module(roles=("trainer",))
    login("city_admin", "441400")
    r = client.post(
        "/training/plans",
        data={"module_id": module.id, "role": "officer", "bureau_id": 0, "due_on": "2017-07-01"},
    )
    assert r.status_code == 302
    officer = make_user("officer", "441402")
    assert officer.display_name in client.get("/training/plans/overdue").get_data(as_text=True)
    auth.login(officer.username)
    home = client.get("/home").get_data(as_text=True)
    assert "【已逾期】" + module.title in home


@pytest.mark.parametrize("bureau_id", ["other", 0], ids=["another-county", "city-wide"])
def test_a_county_trainer_assigns_plans_to_its_own_bureau_only(
    login, client, make_module, bureau_id
):
    module = make_module()
    trainer = login("trainer", "441402")
    own = {"module_id": module.id, "role": "officer", "due_on": "2017-07-01"}
    r = client.post("/training/plans", data=own | {"bureau_id": trainer.bureau_id})
    assert r.status_code == 302
    wrong = trainer.bureau_id + 1 if bureau_id == "other" else 0
    r = client.post("/training/plans", data=own | {"bureau_id": wrong})
    assert r.status_code == 403 and "只能给本单位分配" in r.get_data(as_text=True)
    assert [p.bureau_id for p in plans.plans_visible_to(trainer)] == [trainer.bureau_id]
    assert client.get("/training/plans/overdue").status_code == 403  # trainers see no rosters


def test_bureau_admin_plan_for_other_bureau_is_403(login, client, make_module):
    module = make_module()
    admin = login("bureau_admin", "441402")
    r = client.post(
        "/training/plans",
        data={
            "module_id": module.id,
            "role": "officer",
            "bureau_id": admin.bureau_id + 1,
            "due_on": "2017-07-01",
        },
    )
    assert r.status_code == 403 and "只能给本单位分配" in r.get_data(as_text=True)
    r = client.post(
        "/training/plans",
        data={
            "module_id": 9999,
            "role": "officer",
            "bureau_id": admin.bureau_id,
            "due_on": "2017-07-01",
        },
    )
    assert r.status_code == 404 and "学习模块不存在" in r.get_data(as_text=True)
    r = client.post(
        "/training/plans",
        data={
            "module_id": module.id,
            "role": "officer",
            "bureau_id": admin.bureau_id,
            "due_on": "七月一日",
        },
    )
    assert r.status_code == 400 and "不是有效的日期" in r.get_data(as_text=True)
    assert plans.plans_visible_to(admin) == []


def test_dashboard_scoping_and_export(login, client, make_user, make_module):
    make_module()
    a = make_user("officer", "441402", display_name="梅江甲")
    b = make_user("officer", "441403", display_name="梅县乙")
    admin = login("bureau_admin", "441402")
    page = client.get("/training/dashboard").get_data(as_text=True)
    assert a.display_name in page and b.display_name not in page and "<svg" in page
    assert client.get(f"/training/dashboard?bureau={b.bureau_id}").status_code == 403
    book = openpyxl.load_workbook(io.BytesIO(client.get("/training/dashboard.xlsx").data))
    names = [row[1] for row in book["人员明细"].values]
    assert a.display_name in names and b.display_name not in names
    login("city_admin", "441400")
    page = client.get("/training/dashboard").get_data(as_text=True)
    assert "梅江区" in page and "梅县区" in page and "<svg" in page
    assert b.display_name in client.get(f"/training/dashboard?bureau={b.bureau_id}").get_data(
        as_text=True
    )
    assert admin.bureau_id != b.bureau_id


def test_plan_delete_scoped_to_own_bureau(login, client, auth, make_user, make_module):
    module = make_module()
    city = make_user("city_admin", "441400")
    plan = plans.create_plan(city, plans.PlanData(module.id, "officer", None, utcnow().date()))
    db.session.commit()
    login("bureau_admin", "441402")
    assert client.post(f"/training/plans/{plan.id}/delete").status_code == 403
    auth.login(city.username)
    assert client.post(f"/training/plans/{plan.id}/delete").status_code == 302
    assert plans.plans_visible_to(city) == []


def test_admin_home_card_counts_overdue(login, client, auth, make_user, make_module):
    module = make_module()
    city = make_user("city_admin", "441400")
    make_user("officer", "441402")
    plans.create_plan(
        city, plans.PlanData(module.id, "officer", None, utcnow().date() - timedelta(days=3))
    )
    db.session.commit()
    auth.login(city.username)
    assert "1 人次逾期未完成学习任务" in client.get("/home").get_data(as_text=True)
