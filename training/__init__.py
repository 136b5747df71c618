"""Part: law-study modules, the law library, lectures and study records."""
from flask import Flask, url_for

from lianbing.parts import ActivityKind, NavEntry, Part
from training import cli, demo, services  # noqa: F401  (cli: registers `flask training`)
from training.models import FTS_TABLE
from training.views import bp

STAFF_ROLES = frozenset({"trainer", "bureau_admin", "city_admin"})
ADMIN_ROLES = frozenset({"bureau_admin", "city_admin"})


def dashboard(user) -> list[dict]:
    """Home cards: the user's due and overdue study plan items; admins also get the overdue count."""
    cards = [{"title": f"{'【已逾期】' if late else '【待完成】'}{plan.module.title}",
              "url": url_for("training.module", module_id=plan.module_id),
              "detail": f"学习任务，截止 {plan.due_on}"} for plan, late in services.due_items(user)[:6]]
    if user.role in ADMIN_ROLES:
        late = len(services.overdue_list(user))
        cards.append({"title": "学法用法：逾期未完成", "url": url_for("training.overdue"),
                      "detail": f"{late} 人次逾期未完成学习任务" if late else "没有逾期的学习任务"})
    return cards


def _skip_fts(name, type_, parent_names) -> bool:
    """Keep Alembic autogenerate away from the FTS5 virtual table and its shadow tables."""
    return not (type_ == "table" and name and name.startswith(FTS_TABLE))


def register(app: Flask) -> None:
    """Teach `flask db check/migrate` to ignore the full-text index the service maintains."""
    config = app.extensions["migrate"].configure_args
    previous = config.get("include_name")
    config["include_name"] = (lambda *a: _skip_fts(*a) and previous(*a)) if previous else _skip_fts


part = Part(
    name="training",
    title="学法用法",
    blueprint=bp,
    nav=(NavEntry("学习模块", "training.index"), NavEntry("讲座签到", "training.signin"),
         NavEntry("法规库", "training.laws"), NavEntry("讲座培训", "training.lectures"),
         NavEntry("管理模块", "training.manage", frozenset({"trainer", "city_admin"})),
         NavEntry("学习任务", "training.plans", ADMIN_ROLES),
         NavEntry("学习看板", "training.dashboard", ADMIN_ROLES)),
    activity_kinds=(ActivityKind("study", "学习模块", 20.0), ActivityKind("lecture", "讲座培训", 10.0)),
    demo=demo.load,
    register=register,
    dashboard=dashboard,
    links={"law_article": "training.article"},
)
