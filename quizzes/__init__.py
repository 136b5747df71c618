"""Part: question bank, imports, quizzes, competitions, item analysis."""
from lianbing.auth import CITY_ADMIN, TRAINER
from lianbing.parts import ActivityKind, NavEntry, Part

from quizzes import cli  # noqa: F401  (registers the `flask quizzes` commands on the blueprint)
from quizzes.demo import load_demo
from quizzes.views import bp, dashboard

AUTHORS = frozenset({TRAINER, CITY_ADMIN})

part = Part(
    name="quizzes",
    title="知识竞赛",
    blueprint=bp,
    nav=(NavEntry("测验与竞赛", "quizzes.index"), NavEntry("题库", "quizzes.banks", AUTHORS),
         NavEntry("导入题目", "quizzes.import_page", AUTHORS)),
    activity_kinds=(ActivityKind("quiz", "测验", 20.0), ActivityKind("competition", "知识竞赛", 20.0)),
    demo=load_demo,
    dashboard=dashboard,
)
