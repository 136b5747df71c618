"""Part: question bank, imports, quizzes, competitions, item analysis."""
from lianbing.parts import ActivityKind, NavEntry, Part

from quizzes.views import bp

part = Part(
    name="quizzes",
    title="知识竞赛",
    blueprint=bp,
    nav=(NavEntry("测验与竞赛", "quizzes.index"),),
    activity_kinds=(ActivityKind("quiz", "测验", 20.0), ActivityKind("competition", "知识竞赛", 20.0)),
)
