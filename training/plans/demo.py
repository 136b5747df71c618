"""Demo study plan: the first module assigned to every officer, due mid-July 2017. Idempotent."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lianbing.host import User, db
from training.modules.models import Module
from training.plans import services


def load(module: Module) -> None:
    """Assign ``module`` to every officer, unless the city admin already sees a plan."""
    admin = db.session.scalar(select(User).where(User.role == "city_admin").order_by(User.id))
    if admin is None or services.plans_visible_to(admin):
        return
    services.create_plan(admin, services.PlanData(module.id, "officer", None, date(2017, 7, 15)))
