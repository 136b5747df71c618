"""Study-plan notices for ``flask notify run``: a planned module due soon, then overdue."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterator

from flask import current_app, url_for
from sqlalchemy import select

from lianbing.host import Notice, User, db, to_local
from training.modules.models import Module, ModuleCompletion
from training.plans.models import StudyPlan

#: an overdue plan is reminded once, if it fell due within this many days
OVERDUE_WINDOW = timedelta(days=7)


def notices(now: datetime) -> Iterator[Notice]:
    today = to_local(now).date()
    soon = max(current_app.config.get("NOTIFY_LEAD_DAYS", (3,)) or (0,))
    plans = db.session.scalars(
        select(StudyPlan)
        .join(Module, Module.id == StudyPlan.module_id)
        .where(Module.is_published.is_(True))
        .where(StudyPlan.due_on >= today - OVERDUE_WINDOW)
        .where(StudyPlan.due_on <= today + timedelta(days=soon))
    )
    for plan in plans:
        overdue = plan.due_on < today
        key = f"training-plan-{'overdue' if overdue else 'due'}:{plan.id}"
        state = "已逾期" if overdue else "即将截止"
        title = f"学习任务{state}：{plan.module.title}"
        body = f"学习任务“{plan.module.title}”截止日期 {plan.due_on:%Y-%m-%d}。"
        link = url_for("training.module", module_id=plan.module_id)
        for user_id in _pending_people(plan):
            yield Notice(user_id, key, title, body, link)


def _pending_people(plan: StudyPlan) -> list[int]:
    """Active people the plan applies to who have not completed its module."""
    stmt = select(User.id).where(User.is_active_.is_(True))
    if plan.role:
        stmt = stmt.where(User.role == plan.role)
    if plan.bureau_id:
        stmt = stmt.where(User.bureau_id == plan.bureau_id)
    done = select(ModuleCompletion.user_id).where(ModuleCompletion.module_id == plan.module_id)
    return list(db.session.scalars(stmt.where(User.id.not_in(done))))
