"""Part: law study. Four sub-packages on one blueprint (endpoints ``training.*``):

- ``laws/``      the law library: laws, articles, full-text search, law imports;
- ``modules/``   modules and lessons, attachments, study records and heartbeats,
                 the end-of-module check;
- ``lectures/``  lectures and trainings, sign-in codes, attendance;
- ``plans/``     study plans, due and overdue items, the bureau study dashboard.

Layers: laws and lectures stand alone; modules cite laws and ask plans who is assigned a
module; plans read modules' and lectures' records to follow up.
"""

from flask import Flask, url_for
from sqlalchemy import select

from lianbing.host import (
    ADMINS,
    CITY_ADMIN,
    OFFICER,
    STAFF,
    TRAINER,
    ActivityKind,
    ActivityLink,
    ActivityRef,
    NavEntry,
    Part,
    active_campaign,
    db,
    titles_by_id,
)
from training.laws import cli  # noqa: F401  (registers `flask training import-law`)
from training.laws import demo as laws_demo
from training.laws import services as laws
from training.laws import views as laws_views  # noqa: F401  (routes on the blueprint)
from training.laws.models import FTS_TABLE, Law
from training.lectures import demo as lectures_demo
from training.lectures import views as lectures_views  # noqa: F401
from training.lectures.models import Lecture
from training.modules import demo as modules_demo
from training.modules import views as modules_views  # noqa: F401
from training.modules.models import Module
from training.plans import demo as plans_demo
from training.plans import services as plans
from training.plans import views as plans_views  # noqa: F401
from training.plans.certificates import qualifications as plan_qualifications
from training.plans.notices import notices as plan_notices
from training.report import report_figures
from training.web import bp

ADMIN_ROLES = frozenset(ADMINS)


def load_demo(campaign_id: int) -> None:
    """The library first, then modules citing it, a plan for the first module, and lectures."""
    campaign = active_campaign()
    start = campaign.start_date if campaign and campaign.id == campaign_id else None
    laws_demo.load()
    modules = modules_demo.load()
    plans_demo.load(modules, start)
    lectures_demo.load(start)


def dashboard(user) -> list[dict]:
    """Home cards: the user's due and overdue plan items; admins also get the overdue count."""
    cards = [
        {
            "title": f"{'【已逾期】' if late else '【待完成】'}{plan.module.title}",
            "url": url_for("training.module", module_id=plan.module_id),
            "detail": f"学习任务，截止 {plan.due_on}",
        }
        for plan, late in plans.due_items(user)[:6]
    ]
    if user.role in ADMIN_ROLES:
        late = len(plans.overdue_list(user))
        cards.append(
            {
                "title": "学法用法：逾期未完成",
                "url": url_for("training.overdue"),
                "detail": f"{late} 人次逾期未完成学习任务" if late else "没有逾期的学习任务",
            }
        )
    return cards


def activities(campaign_id: int) -> list[ActivityRef]:
    """Published modules and lectures for officers, for the city to expect of them."""
    modules = db.session.scalars(select(Module).where(Module.is_published).order_by(Module.id))
    lectures = db.session.scalars(select(Lecture).order_by(Lecture.starts_at))
    found = [ActivityRef("study", f"module:{m.id}", m.title) for m in modules if OFFICER in m.roles]
    return found + [
        ActivityRef("lecture", f"lecture:{x.id}", x.title) for x in lectures if OFFICER in x.roles
    ]


def _skip_fts(name, type_, parent_names) -> bool:
    """Keep Alembic autogenerate away from the FTS5 virtual table and its shadow tables."""
    return not (type_ == "table" and name and name.startswith(FTS_TABLE))


def register(app: Flask) -> None:
    """Teach `flask db check/migrate` to ignore the full-text index the law library maintains."""
    config = app.extensions["migrate"].configure_args
    previous = config.get("include_name")
    config["include_name"] = (lambda *a: _skip_fts(*a) and previous(*a)) if previous else _skip_fts


part = Part(
    name="training",
    title="学法用法",
    blueprint=bp,
    nav=(
        NavEntry("学习模块", "training.index"),
        NavEntry("讲座签到", "training.signin"),
        NavEntry("法规库", "training.laws"),
        NavEntry("讲座培训", "training.lectures"),
        NavEntry("管理模块", "training.manage", frozenset({TRAINER, CITY_ADMIN})),
        NavEntry("学习任务", "training.plans", ADMIN_ROLES | {TRAINER}),
        NavEntry("学习看板", "training.dashboard", ADMIN_ROLES),
    ),
    activity_kinds=(
        ActivityKind("study", "学习模块", 20.0),
        ActivityKind("lecture", "讲座培训", 10.0),
    ),
    demo=load_demo,
    register=register,
    dashboard=dashboard,
    notices=plan_notices,
    certificate_qualifications=plan_qualifications,
    report_figures=report_figures,
    links={"law_article": "training.article", "law": "training.law"},
    words={
        "law_article": laws.article_words,
        "law": laws.law_words,
        "target:training_module": titles_by_id(Module),
        "target:training_lecture": titles_by_id(Lecture),
        "target:training_law": titles_by_id(Law, "name"),
    },
    activity_links={
        "module": ActivityLink("training.module", "module_id"),
        "lecture": ActivityLink("training.lecture", "lecture_id", frozenset(STAFF)),
    },
    activities=activities,
)
