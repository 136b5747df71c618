"""Demo study plans and the officers' study of them. Idempotent.

The first module is due at the end of the self-inspection stage (overdue now for those who have
not finished it), the second at the end of the cross inspection (still due). Officers study
through the study services: lessons opened and done, the check passed, the module completed, so
the progress pages and the ledger tell the same story.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from lianbing.host import LOCAL_TZ, User, db, to_local, utcnow
from training.modules import checks, study
from training.modules.models import Module
from training.plans import services

#: (module index, due on this day of the campaign: 0 = its first day; 44 ends 自查, 75 交叉检查)
PLANS = [(0, 44), (1, 75)]


def load(modules: list[Module], campaign_start: date | None = None) -> None:
    """Assign the first two modules to every officer, unless the city admin already sees a plan."""
    admin = db.session.scalar(select(User).where(User.role == "city_admin").order_by(User.id))
    if admin is None or services.plans_visible_to(admin):
        return
    start = campaign_start or to_local(utcnow()).date() - timedelta(days=60)
    for index, day in PLANS:
        due = start + timedelta(days=day)
        services.create_plan(admin, services.PlanData(modules[index].id, "officer", None, due))
    officers = db.session.scalars(select(User).where(User.role == "officer").order_by(User.id))
    for n, officer in enumerate(officers):
        # three in four finished the first module; a third finished the second, a third began it
        if n % 4 != 3:
            _study(officer, modules[0], _at(start, 15 + n % 20, n), finish=True)
        if n % 3 != 2:
            _study(officer, modules[1], _at(start, 46 + n % 12, n), finish=n % 3 == 0)


def _at(start: date, day: int, n: int) -> datetime:
    return datetime.combine(start + timedelta(days=day), time(9 + n % 9), tzinfo=LOCAL_TZ)


def _study(officer: User, module: Module, at: datetime, *, finish: bool) -> None:
    """Read the lessons (the first only when not finishing), then pass the check."""
    lessons = module.lessons if finish else module.lessons[:1]
    for n, lesson in enumerate(lessons):
        when = at + timedelta(minutes=20 * n)
        record = study.open_lesson(officer, lesson, when)
        record.seconds = lesson.minutes * 60
        study.mark_done(officer, lesson, when + timedelta(minutes=lesson.minutes))
    if finish and module.questions:
        when = at + timedelta(minutes=20 * len(lessons) + 10)
        attempt = checks.start_check(officer, module, when)
        questions = [item.question for item in checks.paper_items(module, attempt)]
        answers = {q.id: list(q.answer) for q in questions}
        if officer.id % 3 == 0:  # one slip on the first question with a wrong option to pick
            _slip(answers, questions)
        checks.submit_check(officer, attempt.id, answers, when + timedelta(minutes=8))


def _slip(answers: dict, questions: list) -> None:
    for q in questions:
        wrong = [i for i in range(len(q.options or ())) if i not in q.answer]
        if wrong:
            answers[q.id] = wrong[:1]
            return
