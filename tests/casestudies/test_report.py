"""Record writing's figures for the report to the province."""

from __future__ import annotations

from sqlalchemy import select

from casestudies.exercises import services as exercises
from casestudies.exercises.demo import inspection_draft
from casestudies.exercises.records import missing_of
from casestudies.grading import services as grading
from casestudies.report import report_figures
from casestudies.rubrics.services import criteria
from lianbing.accounts.models import User
from lianbing.campaign.report import figures
from lianbing.extensions import db


def _user(username):
    return db.session.scalar(select(User).where(User.username == username))


def test_records_graded_standards_and_missing_elements(make_exercise, world):
    ex = make_exercise()
    officer, trainer = _user("officer_441424_1"), _user("trainer")
    sub = exercises.submit(ex, officer, inspection_draft(officer, 4))  # forgets the recusal
    exercises.submit(make_exercise(), officer, inspection_draft(officer, 3))
    crits = [c for c in criteria(ex.rubric) if not c.get("veto")]
    scores = grading.starting_scores(sub, "first")
    for c in crits:
        scores[c["key"]]["points"] = c["max_points"]
    lowered = next(c for c in crits if c["standard"] == "程序合法")
    scores[lowered["key"]]["points"] = 0.0
    grading.save_grade(sub, trainer, "first", scores, "")
    grading.release(sub, trainer, world.id)
    db.session.commit()

    got = {f.label: f.value for f in report_figures(figures.scope(world, (officer.bureau_id,)))}
    assert got["提交笔录（份）"] == 2  # 五华县's own two, not the demo's records elsewhere
    assert got["已评分笔录（份）"] == 1
    procedure = sum(c["max_points"] for c in crits if c["standard"] == "程序合法")
    expected = round(100.0 * (procedure - lowered["max_points"]) / procedure, 1)
    assert got["平均得分率：程序合法（%）"] == expected < 100
    assert got["平均得分率：内容完整（%）"] == 100.0
    first_missing = missing_of(sub.pregrade)[0][1]
    assert f"{first_missing}（1份）" in got["常见缺失要素"]
    whole = figures.scope(world, (officer.bureau_id, _user("officer_441402_1").bureau_id))
    more = {f.label: f.value for f in report_figures(whole)}["提交笔录（份）"]
    assert more > 2  # the demo's records in 梅江区 count there, not in 五华县
