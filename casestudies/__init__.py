"""Part: case-interpretation lessons, record-writing exercises, rubrics and grading."""
from lianbing.parts import ActivityKind, NavEntry, Part

from casestudies.views import bp

part = Part(
    name="casestudies",
    title="以案释法与笔录",
    blueprint=bp,
    nav=(NavEntry("以案释法与笔录练习", "casestudies.index"),),
    activity_kinds=(ActivityKind("case_lesson", "以案释法", 10.0),
                    ActivityKind("record_exercise", "笔录练习", 30.0)),
)
