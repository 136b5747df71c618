"""Part: question bank, imports, quizzes, competitions, item analysis."""
from lianbing.parts import ActivityKind, NavEntry, Part

from quizzes.views import bp
from quizzes.play import views as play_views  # noqa: F401  (quizzes, attempts, competitions: issue 4)

part = Part(
    name="quizzes",
    title="知识竞赛",
    blueprint=bp,
    nav=(NavEntry("测验与竞赛", "quizzes.index"),),
    activity_kinds=(ActivityKind("quiz", "测验", 20.0), ActivityKind("competition", "知识竞赛", 20.0)),
)
