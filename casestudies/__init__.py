"""Part: case-interpretation lessons, record-writing exercises, rubrics and grading."""
from lianbing.parts import ActivityKind, NavEntry, Part

from casestudies import cli, demo, services
from casestudies.views import bp

cli.register(bp.cli)

MANAGERS = frozenset({"trainer", "city_admin"})


def dashboard(user) -> list[dict]:
    """Home cards: open exercises for writers, the grading queue for trainers."""
    if user.role in MANAGERS:
        waiting = len(services.queue(services.QueueFilter(status="submitted")))
        unreleased = len(services.queue(services.QueueFilter(status="graded")))
        return [{"title": "笔录评分", "url": "/casestudies/grading",
                 "detail": f"待评分 {waiting} 份，已评待发布 {unreleased} 份"}]
    if user.role == "officer":
        todo = [e for e in services.exercises(True) if services.submission_for(e, user.id) is None
                or services.submission_for(e, user.id).status == "draft"]
        return [{"title": "笔录练习", "url": "/casestudies/", "detail": f"待完成 {len(todo)} 项"}]
    return []


part = Part(
    name="casestudies",
    title="以案释法与笔录",
    blueprint=bp,
    nav=(NavEntry("以案释法与笔录练习", "casestudies.index"),
         NavEntry("评分队列", "casestudies.queue", MANAGERS),
         NavEntry("评分量表", "casestudies.rubrics", MANAGERS)),
    activity_kinds=(ActivityKind("case_lesson", "以案释法", 10.0),
                    ActivityKind("record_exercise", "笔录练习", 30.0)),
    demo=demo.load,
    dashboard=dashboard,
)
