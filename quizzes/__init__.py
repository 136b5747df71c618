"""Part: question bank, imports, quizzes, competitions, item analysis."""

from sqlalchemy import select

from lianbing.host import AUTHORS as AUTHOR_ROLES
from lianbing.host import (
    BUREAU_ADMIN,
    CITY_ADMIN,
    OFFICER,
    ActivityKind,
    ActivityLink,
    ActivityRef,
    NavEntry,
    Part,
    db,
    register_job_kind,
    titles_by_id,
)
from quizzes import (
    cli,  # noqa: F401  (registers the `flask quizzes` commands on the blueprint)
    jobs,
)
from quizzes.demo import load_demo
from quizzes.models import Bank
from quizzes.notices import notices
from quizzes.play import demo as play_demo
from quizzes.play import views as play_views
from quizzes.play.models import Quiz
from quizzes.report import report_figures
from quizzes.views import bp
from quizzes.views import dashboard as bank_dashboard

#: city authors for the city, county admins and attached trainers for their bureau
AUTHORS = frozenset(AUTHOR_ROLES)
OFFICERS = frozenset({OFFICER})
#: quizzes, attempts, practice, competitions and statistics (quizzes/play)
PLAY_NAV = (
    NavEntry("可参加的测验", "quizzes.available", OFFICERS),
    NavEntry("练习", "quizzes.practice_home", OFFICERS),
    NavEntry("错题本", "quizzes.wrongbook", OFFICERS),
    NavEntry("答题记录", "quizzes.history", OFFICERS),
    NavEntry("组卷与统计", "quizzes.manage", AUTHORS),
    NavEntry("简答题批改", "quizzes.essays", AUTHORS),
    NavEntry("答题情况", "quizzes.overview", frozenset({BUREAU_ADMIN, CITY_ADMIN})),
)


def load_all_demo(campaign_id: int) -> None:
    """The bank's demo questions first, then quizzes and a competition drawn from them."""
    load_demo(campaign_id)
    play_demo.load(campaign_id)


def dashboard(user) -> list[dict]:
    """Home cards from the bank and from quizzes."""
    return [*bank_dashboard(user), *play_views.dashboard(user)]


def activities(campaign_id: int) -> list[ActivityRef]:
    """The campaign's published quizzes and competitions that count, for the city to expect."""
    quizzes = db.session.scalars(
        select(Quiz)
        .where(Quiz.campaign_id == campaign_id, Quiz.is_published, Quiz.counts)
        .order_by(Quiz.id)
    )
    return [ActivityRef(q.kind, f"quiz:{q.id}", q.title) for q in quizzes]


def register(app) -> None:
    """The part's background job: large question-bank imports."""
    register_job_kind(app, jobs.KIND)


part = Part(
    name="quizzes",
    title="知识竞赛",
    blueprint=bp,
    nav=(
        NavEntry("测验与竞赛", "quizzes.index"),
        NavEntry("题库", "quizzes.banks", AUTHORS),
        NavEntry("导入题目", "quizzes.import_page", AUTHORS),
        *PLAY_NAV,
    ),
    activity_kinds=(
        ActivityKind("quiz", "测验", 20.0),
        ActivityKind("competition", "知识竞赛", 20.0),
    ),
    demo=load_all_demo,
    register=register,
    dashboard=dashboard,
    notices=notices,
    report_figures=report_figures,
    # an officer opens the quiz (result and attempts); staff reach quizzes from 组卷与统计
    activity_links={"quiz": ActivityLink("quizzes.quiz_detail", "quiz_id", OFFICERS)},
    words={"target:quiz_bank": titles_by_id(Bank, "name")},
    activities=activities,
)
