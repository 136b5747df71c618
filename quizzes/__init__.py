"""Part: question bank, imports, quizzes, competitions, item analysis."""
from lianbing.parts import ActivityKind, NavEntry, Part

from quizzes.views import bp
from quizzes.play import demo as play_demo
from quizzes.play import views as play_views

OFFICER = frozenset({"officer"})
TRAINERS = frozenset({"trainer", "city_admin"})
#: quizzes, attempts, practice, competitions and statistics (quizzes/play, issue 4)
PLAY_NAV = (
    NavEntry("可参加的测验", "quizzes.available", OFFICER),
    NavEntry("练习", "quizzes.practice_home", OFFICER),
    NavEntry("错题本", "quizzes.wrongbook", OFFICER),
    NavEntry("答题记录", "quizzes.history", OFFICER),
    NavEntry("组卷与统计", "quizzes.manage", TRAINERS),
    NavEntry("简答题批改", "quizzes.essays", TRAINERS),
    NavEntry("答题情况", "quizzes.overview", frozenset({"bureau_admin", "city_admin"})),
)


def demo(campaign_id: int) -> None:
    """The part's demo: quizzes and a competition over the demo bank (run the bank's demo first)."""
    play_demo.load(campaign_id)


part = Part(
    name="quizzes",
    title="知识竞赛",
    blueprint=bp,
    nav=(NavEntry("测验与竞赛", "quizzes.index"), *PLAY_NAV),
    activity_kinds=(ActivityKind("quiz", "测验", 20.0), ActivityKind("competition", "知识竞赛", 20.0)),
    demo=demo,
    dashboard=play_views.dashboard,
)
