"""Study plans without HTTP: assignment scope, due and overdue items."""

from __future__ import annotations

from datetime import date

import pytest

from lianbing.host import Forbidden
from training.modules import checks, study
from training.modules import services as modules
from training.plans import services as plans


def right(module):
    return {q.id: list(q.answer) for q in module.questions}


def test_plans_assign_due_and_overdue(app, make_module, make_user):
    module = make_module(roles=("trainer",))
    officer = make_user("officer", "441402")
    city = make_user("city_admin", "441400")
    assert module not in modules.visible_modules(officer)
    plans.create_plan(city, plans.PlanData(module.id, "officer", None, date(2017, 7, 1)))
    assert module in modules.visible_modules(officer)
    assert [(p.module_id, late) for p, late in plans.due_items(officer, date(2017, 6, 30))] == [
        (module.id, False)
    ]
    assert [(p.module_id, late) for p, late in plans.due_items(officer, date(2017, 7, 2))] == [
        (module.id, True)
    ]
    assert [u.id for u, _ in plans.overdue_list(city, date(2017, 7, 2))] == [officer.id]
    for lesson in module.lessons:
        study.mark_done(officer, lesson)
    checks.submit_check(officer, checks.start_check(officer, module).id, right(module))
    assert plans.due_items(officer, date(2017, 7, 2)) == []
    assert plans.overdue_list(city, date(2017, 7, 2)) == []


def test_bureau_admin_plans_only_own_bureau(app, make_module, make_user):
    module = make_module()
    admin = make_user("bureau_admin", "441402")
    for bureau_id in (None, admin.bureau_id + 1):
        with pytest.raises(Forbidden):
            plans.create_plan(
                admin, plans.PlanData(module.id, "officer", bureau_id, date(2017, 7, 1))
            )
    assert plans.create_plan(
        admin, plans.PlanData(module.id, None, admin.bureau_id, date(2017, 7, 1))
    ).id
