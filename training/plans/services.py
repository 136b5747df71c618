"""Study plans: assign a module to a role and/or bureau with a due date; due and overdue items.

Services take plain data, raise the host's refusals and flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import delete, or_, select

from lianbing.host import (
    ROLES,
    Bureau,
    Forbidden,
    Invalid,
    NotFound,
    User,
    active_campaign,
    authoring_bureau,
    db,
    declare_expected,
    local_to_utc,
    to_local,
    utcnow,
    withdraw_expected,
    write_audit,
)
from training.modules.models import Module, ModuleCompletion
from training.plans.models import StudyPlan


@dataclass(frozen=True)
class PlanData:
    module_id: int
    role: str | None
    bureau_id: int | None
    due_on: date


def _check_plan(actor, data: PlanData) -> Module:
    module = db.session.get(Module, data.module_id)
    if module is None:
        raise NotFound("学习模块不存在。")
    if not module.is_published:
        raise Invalid("请先发布这个模块再分配。")
    if data.bureau_id is not None and db.session.get(Bureau, data.bureau_id) is None:
        raise Invalid("对象单位不存在。")
    if data.role is not None and data.role not in ROLES:
        raise Invalid("未知的角色。")
    scope = authoring_bureau(actor)
    if scope is not None and data.bureau_id != scope:
        raise Forbidden("县级单位（管理员和所属培训员）只能给本单位分配学习任务。")
    return module


def create_plan(actor, data: PlanData) -> StudyPlan:
    """Assign a module; a county's admin or attached trainer only within its own bureau."""
    module = _check_plan(actor, data)
    plan = StudyPlan(
        module_id=module.id,
        role=data.role or None,
        bureau_id=data.bureau_id,
        due_on=data.due_on,
        created_by=actor.id,
    )
    db.session.add(plan)
    db.session.flush()
    write_audit(
        "training.plan_create",
        "training_study_plan",
        plan.id,
        actor_id=actor.id,
        bureau_id=data.bureau_id,
        new={"module": module.title, "due": str(data.due_on), "role": data.role},
    )
    _expect(module)
    return plan


def _expect(module: Module) -> None:
    """The module is expected of the officers its plans name, by the latest due date."""
    campaign = active_campaign()
    if campaign is None:
        return
    plans = [
        p
        for p in db.session.scalars(select(StudyPlan).where(StudyPlan.module_id == module.id))
        if p.role in (None, "officer")
    ]
    ref = f"module:{module.id}"
    if not plans:
        withdraw_expected(campaign.id, "study", ref)
        return
    everyone = any(p.bureau_id is None for p in plans)
    ids = () if everyone else tuple(sorted({p.bureau_id for p in plans}))
    due = max(p.due_on for p in plans)
    declare_expected(
        campaign.id,
        "study",
        ref,
        f"学习模块：{module.title}",
        100.0,
        local_to_utc(datetime.combine(due, time(23, 59, 59))),
        "all" if everyone else "bureaus",
        ids,
    )


def delete_plan(actor, plan: StudyPlan) -> None:
    """Remove a plan; a county's admin or attached trainer only its own bureau's."""
    scope = authoring_bureau(actor)
    if scope is not None and plan.bureau_id != scope:
        raise Forbidden("只能删除本单位的学习任务。")
    write_audit(
        "training.plan_delete",
        "training_study_plan",
        plan.id,
        actor_id=actor.id,
        bureau_id=plan.bureau_id,
        old={"module_id": plan.module_id, "due": str(plan.due_on)},
    )
    module = plan.module
    db.session.execute(delete(StudyPlan).where(StudyPlan.id == plan.id))
    _expect(module)


def plans_applying(user) -> list[StudyPlan]:
    """Study plans that cover this user (by role and bureau)."""
    stmt = select(StudyPlan).where(
        or_(StudyPlan.role.is_(None), StudyPlan.role == user.role),
        or_(StudyPlan.bureau_id.is_(None), StudyPlan.bureau_id == user.bureau_id),
    )
    return list(db.session.scalars(stmt.order_by(StudyPlan.due_on)))


def plans_visible_to(user) -> list[StudyPlan]:
    """Plans an author sees: every plan for the city (its admin and trainers), else the
    city-wide and own bureau's."""
    stmt = select(StudyPlan).order_by(StudyPlan.due_on.desc(), StudyPlan.id.desc())
    scope = authoring_bureau(user)
    if scope is not None:
        stmt = stmt.where(or_(StudyPlan.bureau_id.is_(None), StudyPlan.bureau_id == scope))
    return list(db.session.scalars(stmt))


def today() -> date:
    """Today in local (Asia/Shanghai) time."""
    return to_local(utcnow()).date()


def due_items(user, on: date | None = None) -> list[tuple[StudyPlan, bool]]:
    """The user's unfinished planned modules as (plan, is_overdue), soonest first."""
    on = on or today()
    done = set(
        db.session.scalars(
            select(ModuleCompletion.module_id).where(ModuleCompletion.user_id == user.id)
        )
    )
    items, seen = [], set()
    for plan in plans_applying(user):
        if plan.module_id in done or plan.module_id in seen or not plan.module.is_published:
            continue
        seen.add(plan.module_id)
        items.append((plan, plan.due_on < on))
    return items


def overdue_list(actor, on: date | None = None) -> list[tuple[User, StudyPlan]]:
    """People (in the actor's scope) with a planned module past due and not completed."""
    on = on or today()
    plans = [p for p in plans_visible_to(actor) if p.due_on < on]
    if not plans:
        return []
    users = scoped_officers(actor, None)
    done = _completed_pairs([u.id for u in users])
    return [
        (u, p) for p in plans for u in users if p.applies_to(u) and (u.id, p.module_id) not in done
    ]


def scoped_officers(actor, bureau_id: int | None) -> list[User]:
    """Active officers in the actor's scope (one bureau, or the city admin's choice)."""
    stmt = (
        select(User)
        .where(User.is_active_.is_(True), User.role == "officer")
        .order_by(User.bureau_id, User.id)
    )
    if actor.role != "city_admin":
        stmt = stmt.where(User.bureau_id == actor.bureau_id)
    elif bureau_id is not None:
        stmt = stmt.where(User.bureau_id == bureau_id)
    return list(db.session.scalars(stmt))


def _completed_pairs(user_ids: list[int]) -> set[tuple[int, int]]:
    rows = db.session.execute(
        select(ModuleCompletion.user_id, ModuleCompletion.module_id).where(
            ModuleCompletion.user_id.in_(user_ids)
        )
    )
    return {(u, m) for u, m in rows}
