"""`flask demo` builds a live campaign around today and keeps 2017 as a closed past one."""

from __future__ import annotations

import re
from datetime import datetime, time

import pytest
from sqlalchemy import func, select

from casestudies.exercises.models import Submission
from lianbing.accounts.models import User
from lianbing.audit.models import AuditLog
from lianbing.campaign import schedule
from lianbing.campaign import services as campaigns
from lianbing.campaign.bulletins import services as bulletins
from lianbing.campaign.demo import PAST_NAME
from lianbing.campaign.drills import services as drills
from lianbing.campaign.drills.models import CROSS_INSPECTION
from lianbing.campaign.models import Campaign
from lianbing.campaign.report import services as report_services
from lianbing.certificates.models import Certificate
from lianbing.dbtypes import LOCAL_TZ
from lianbing.extensions import db
from lianbing.ledger import services as ledger
from lianbing.ledger.models import ScoreEntry
from lianbing.rankings import closing, rules
from quizzes.play.models import Quiz
from training.modules.models import Lesson, ModuleCompletion, StudyRecord
from training.plans.models import StudyPlan

#: placeholder titles the old demo wrote: "学法模块（4）", "…（演示）"
PLACEHOLDER = re.compile(r"（\d+）$|演示")


@pytest.fixture
def demo(flask_demo):
    active = db.session.scalar(select(Campaign).where(Campaign.is_active.is_(True)))
    past = db.session.scalar(select(Campaign).where(Campaign.name == PAST_NAME))
    return active, past


def _rows(campaign: Campaign) -> list[ScoreEntry]:
    return list(db.session.scalars(select(ScoreEntry).where(ScoreEntry.campaign_id == campaign.id)))


def test_today_falls_in_the_implementation_stage_of_this_years_campaign(demo):
    active, past = demo
    today = schedule.today_local()
    assert active.year == today.year and str(today.year) in active.name
    stage = campaigns.current_stage(active, today)
    parent = next((s for s in active.stages if s.id == stage.parent_id), stage)
    assert parent.name == "活动实施" and stage.name == "交叉检查"
    # the plan's calendar, moved: the candidates' deadline is the summary's, and the nominations'
    settings = schedule.settings_for(active)
    nomination = [d for d in schedule.stored_deadlines(active) if d.kind == "nomination"]
    assert [d.due_date for d in nomination] == [settings.summary_due]
    assert rules.settings_for(active.id).nomination_deadline is None
    deadline = rules.nomination_deadline(active.id)
    assert deadline == datetime.combine(settings.summary_due, time(23, 59, 59), LOCAL_TZ)
    assert settings.summary_due > today
    # the 2017 plan kept its own: candidates by 2017-10-08
    assert str(schedule.settings_for(past).summary_due) == "2017-10-08"


def test_the_live_campaign_has_something_to_do_for_every_role(demo):
    active, _ = demo
    today = schedule.today_local()
    _, rows = bulletins.board(active, today)
    states = [c.state for _, cells in rows for c in cells]
    assert "late" in states and "missing" in states and "returned" in states
    assert states.count("on_time") + states.count("late") >= 10
    quizzes = list(db.session.scalars(select(Quiz).where(Quiz.campaign_id == active.id)))
    now = datetime.now(LOCAL_TZ)
    timed = [q for q in quizzes if q.opens_at and q.closes_at]
    assert any(q.closes_at < now for q in timed)  # past
    assert any(q.opens_at <= now < q.closes_at for q in timed)  # open
    assert any(q.opens_at > now for q in timed)  # upcoming
    plans = list(db.session.scalars(select(StudyPlan)))
    assert any(p.due_on < today for p in plans) and any(p.due_on >= today for p in plans)
    statuses = set(db.session.scalars(select(Submission.status)))
    assert {"released", "graded"} <= statuses  # graded records released and awaiting release
    cross = [r for r in drills.rounds(active.id) if r.kind == CROSS_INSPECTION]
    assert cross and cross[0].start_date <= today <= cross[0].end_date
    assert cross[0].teams and any(t.reports for t in cross[0].teams)


def test_2017_is_closed_with_its_results(demo, make_user):
    active, past = demo
    assert not past.is_active and closing.closure(past.id) is not None
    kinds = {e.kind for e in _rows(past)}
    assert {"quiz", "competition", "study", "lecture"} <= kinds
    assert all(
        past.start_date <= e.achieved_at.astimezone(LOCAL_TZ).date() <= past.end_date
        for e in _rows(past)
    )
    officer = db.session.scalar(select(User).where(User.username == "officer_441402_1"))
    at = datetime(2017, 7, 1, 10, tzinfo=LOCAL_TZ)
    with pytest.raises(ledger.LedgerClosed):
        ledger.record(officer.id, past.id, "quiz", "2017:quiz:9", 5, 10, at)


def test_names_titles_points_and_progress_are_believable(demo):
    active, past = demo
    officers = list(db.session.scalars(select(User).where(User.role == "officer")))
    names = [u.display_name for u in officers]
    assert len(names) == 40 and len(set(names)) == len(names)  # none in two counties
    for campaign in (active, past):
        rows = _rows(campaign)
        assert rows
        assert not [e.title for e in rows if PLACEHOLDER.search(e.title) or e.title == e.ref]
        assert not [e.ref for e in rows if e.ref.startswith("demo:")]
        lectures = {e.max_points for e in rows if e.kind == "lecture"}
        assert lectures == {100.0}  # the scale of a module or a quiz, not minutes
        assert {e.max_points for e in rows if e.kind == "study"} == {100.0}
    # every module score in the ledger is a completed module with its lessons done
    for entry in (e for e in _rows(active) if e.kind == "study"):
        module_id = int(entry.ref.split(":")[1])
        assert db.session.scalar(
            select(ModuleCompletion).where(
                ModuleCompletion.user_id == entry.user_id, ModuleCompletion.module_id == module_id
            )
        )
        lessons = set(db.session.scalars(select(Lesson.id).where(Lesson.module_id == module_id)))
        done = set(
            db.session.scalars(
                select(StudyRecord.lesson_id).where(
                    StudyRecord.user_id == entry.user_id, StudyRecord.done_at.is_not(None)
                )
            )
        )
        assert lessons <= done
    # nothing the demo wrote was refused by the ledger
    refused = select(func.count()).where(AuditLog.action == "score.refused")
    assert db.session.scalar(refused) == 0


def test_summaries_for_the_province_and_certificates_are_there_to_see(demo):
    active, past = demo
    now = {r.bureau.short_name: r.status for r in report_services.listing(active.id).values()}
    assert now == {
        "梅江区": "submitted",
        "梅县区": "returned",
        "大埔县": "draft",
        "梅州市": "draft",
    }
    then = report_services.listing(past.id).values()
    assert len(then) == 9 and {r.status for r in then} == {"submitted"}
    certs = list(
        db.session.scalars(select(Certificate).where(Certificate.campaign_id == active.id))
    )
    assert len(certs) == 6 and len({c.bureau_id for c in certs}) == 6
    assert {c.kind for c in certs} == {"completion"}
