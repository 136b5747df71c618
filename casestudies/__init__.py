"""Part: case-interpretation lessons, record-writing exercises, rubrics and grading.

Sub-packages: ``lessons`` (以案释法), ``rubrics`` (rubrics, their automatic checks, import and
export), ``exercises`` (record-writing exercises, drafts and submissions, the record form),
``grading`` (markers, reconciliation, release, regrades, the queue and statistics) and
``casefiles`` (案卷评查: real case files, their documents, review tables, draws, the backbone
pool, cross-review, results and the province exports). They share
one blueprint (``casestudies.web.bp``), so every endpoint is ``casestudies.<view>``.
"""

from sqlalchemy import select

from casestudies import demo, views
from casestudies.casefiles import review_views as casefile_review_views  # noqa: F401
from casestudies.casefiles import views as casefile_views  # noqa: F401  (routes on the blueprint)
from casestudies.casefiles.models import CaseFile, ReviewGroup, ReviewTable
from casestudies.exercises import views as exercise_views  # noqa: F401  (routes on the blueprint)
from casestudies.exercises.models import Exercise
from casestudies.grading import views as grading_views  # noqa: F401  (routes on the blueprint)
from casestudies.lessons import views as lesson_views  # noqa: F401  (routes on the blueprint)
from casestudies.lessons.models import CaseLesson
from casestudies.notices import notices
from casestudies.report import report_figures
from casestudies.rubrics import campaigns as rubric_campaigns
from casestudies.rubrics import cli
from casestudies.rubrics import views as rubric_views  # noqa: F401  (routes on the blueprint)
from casestudies.rubrics.models import Rubric
from casestudies.web import MANAGE, bp
from lianbing.host import (
    ADMINS,
    OFFICER,
    TRAINER,
    ActivityKind,
    ActivityLink,
    ActivityRef,
    NavEntry,
    Part,
    db,
    signals,
    titles_by_id,
)

cli.register(bp.cli)


def register(app) -> None:
    """Copy the rubric versions in use into next year's campaign (``signals.campaign_copied``)."""
    signals.campaign_copied.connect(rubric_campaigns.copy_campaign_rubrics)


MANAGERS = frozenset(MANAGE)


def activities(campaign_id: int) -> list[ActivityRef]:
    """Published case lessons and record exercises, for the city to expect of officers."""
    lessons = db.session.scalars(
        select(CaseLesson).where(CaseLesson.is_published).order_by(CaseLesson.id)
    )
    exercises = db.session.scalars(
        select(Exercise).where(Exercise.is_published).order_by(Exercise.id)
    )
    return [
        *(ActivityRef("case_lesson", f"case:{x.id}", x.title) for x in lessons),
        *(ActivityRef("record_exercise", f"exercise:{x.id}", x.title) for x in exercises),
    ]


part = Part(
    name="casestudies",
    title="以案释法与笔录",
    blueprint=bp,
    nav=(
        NavEntry("以案释法与笔录练习", "casestudies.index"),
        NavEntry("评分队列", "casestudies.queue", MANAGERS),
        NavEntry("评分量表", "casestudies.rubrics", MANAGERS),
        NavEntry("案卷评查", "casestudies.casefiles", frozenset(ADMINS)),
        NavEntry("评查任务", "casestudies.casefile_reviews", frozenset({OFFICER, TRAINER})),
    ),
    activity_kinds=(
        ActivityKind("case_lesson", "以案释法", 10.0),
        ActivityKind("record_exercise", "笔录练习", 30.0),
        ActivityKind("case_file", "案卷评查", 20.0),
    ),
    demo=demo.load,
    register=register,
    dashboard=views.dashboard,
    notices=notices,
    report_figures=report_figures,
    activity_links={
        "case": ActivityLink("casestudies.lesson", "lesson_id"),
        "exercise": ActivityLink("casestudies.exercise", "exercise_id"),
        "casefile": ActivityLink("casestudies.casefile", "case_id", frozenset(ADMINS)),
    },
    words={
        "target:cs_case_lesson": titles_by_id(CaseLesson),
        "target:cs_exercise": titles_by_id(Exercise),
        "target:cs_rubric": titles_by_id(Rubric),
        "target:cs_review_table": titles_by_id(ReviewTable),
        "target:cs_review_group": titles_by_id(ReviewGroup, "name"),
        "target:cs_case_file": titles_by_id(CaseFile, "case_no"),
    },
    activities=activities,
)
