"""Which events produce which notices: host paperwork and the parts' own notices."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from casestudies.exercises.models import Exercise, Submission
from casestudies.grading.models import RegradeRequest
from casestudies.rubrics.models import Rubric
from lianbing.campaign.bulletins.models import Bulletin
from lianbing.campaign.column.models import ColumnArticle
from lianbing.dbtypes import local_to_utc
from lianbing.extensions import db
from lianbing.notify.cli import run_once
from lianbing.notify.models import Notification
from lianbing.rankings.models import Nomination
from training.modules.models import Module, ModuleCompletion
from training.plans.models import StudyPlan


@pytest.fixture
def campaign(campaign_2017):
    """These tests follow the 2017 plan's own calendar (its months, due dates and rounds)."""
    return campaign_2017


def _inbox(user) -> list[tuple[str, str]]:
    return [
        tuple(row)
        for row in db.session.execute(
            select(Notification.title, Notification.link)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id)
        )
    ]


def test_a_returned_bulletin_reaches_its_county_admin_and_again_after_a_second_return(
    campaign, make_user
):

    admin = make_user("bureau_admin", "441402")
    now = local_to_utc(datetime(2017, 8, 2, 10, 0))
    bulletin = Bulletin(
        campaign_id=campaign.id,
        bureau_id=admin.bureau_id,
        period=date(2017, 7, 1),
        title="7月简报",
        status="returned",
        return_comment="请补充典型案例",
        returned_at=now - timedelta(hours=1),
    )
    db.session.add(bulletin)
    db.session.commit()
    run_once(now, send=False)
    run_once(now, send=False)
    bulletin.returned_at = now + timedelta(days=1)
    db.session.commit()
    run_once(now + timedelta(days=1, hours=1), send=False)

    inbox = _inbox(admin)
    assert [t for t, _ in inbox] == ["7月工作简报被市局退回", "7月工作简报被市局退回"]
    assert inbox[0][1] == f"/bulletins/b/{bulletin.id}"
    body = db.session.scalar(select(Notification.body).where(Notification.user_id == admin.id))
    assert body == "请补充典型案例"


def test_an_article_published_or_rejected_reaches_its_author(campaign, make_user):
    author = make_user("bureau_admin", "441402")
    now = local_to_utc(datetime(2017, 8, 2, 10, 0))
    for title, status in (("执法故事", "published"), ("案例评析", "rejected")):
        db.session.add(
            ColumnArticle(
                campaign_id=campaign.id,
                bureau_id=author.bureau_id,
                author_id=author.id,
                title=title,
                status=status,
                review_comment="篇幅过长" if status == "rejected" else "",
                updated_at=now,
            )
        )
    db.session.commit()
    run_once(now, send=False)
    assert [t for t, _ in _inbox(author)] == ["稿件《执法故事》已发布", "稿件《案例评析》被退回"]


def test_the_summary_report_due_date_reminds_county_admins_who_have_not_sent_it(
    campaign, make_user
):
    admin = make_user("bureau_admin", "441402")
    make_user("officer", "441402")
    run_once(local_to_utc(datetime(2017, 10, 5, 9, 0)), send=False)
    run_once(local_to_utc(datetime(2017, 10, 8, 9, 0)), send=False)
    titles = [t for t, _ in _inbox(admin)]
    assert "总结报告和自评表还有 3 天截止（10月08日）" in titles
    assert "总结报告和自评表今天截止（10月08日）" in titles


def test_a_study_plan_due_soon_then_overdue_reaches_those_who_have_not_finished(
    campaign, make_user
):
    done, late = make_user("officer", "441402"), make_user("officer", "441402")
    module = Module(title="固体废物污染环境防治法", is_published=True)
    db.session.add(module)
    db.session.flush()
    db.session.add(StudyPlan(module_id=module.id, role="officer", due_on=date(2017, 7, 20)))
    db.session.add(ModuleCompletion(user_id=done.id, module_id=module.id))
    db.session.commit()
    run_once(local_to_utc(datetime(2017, 7, 18, 9, 0)), send=False)
    run_once(local_to_utc(datetime(2017, 7, 21, 9, 0)), send=False)
    run_once(local_to_utc(datetime(2017, 7, 22, 9, 0)), send=False)

    assert _inbox(done) == []
    assert [t for t, _ in _inbox(late)] == [
        "学习任务即将截止：固体废物污染环境防治法",
        "学习任务已逾期：固体废物污染环境防治法",
    ]


def test_a_released_record_and_an_answered_regrade_reach_the_officer(campaign, make_user):
    officer = make_user("officer", "441402")
    now = local_to_utc(datetime(2017, 8, 2, 10, 0))
    rubric = Rubric(family="t", title="检查笔录", record_type="inspection", total_points=100)
    db.session.add(rubric)
    db.session.flush()
    ex = Exercise(
        title="现场检查笔录练习", record_type="inspection", due_at=now, rubric_id=rubric.id
    )
    db.session.add(ex)
    db.session.flush()
    sub = Submission(
        exercise_id=ex.id, user_id=officer.id, status="released", final_points=86, released_at=now
    )
    db.session.add(sub)
    db.session.flush()
    db.session.add(
        RegradeRequest(
            submission_id=sub.id,
            criterion="c1",
            reason="理由",
            status="answered",
            answer="维持原评分",
            answered_at=now,
        )
    )
    db.session.commit()
    run_once(now + timedelta(minutes=1), send=False)
    assert [t for t, _ in _inbox(officer)] == [
        "笔录练习已评分发布：现场检查笔录练习",
        "复核申请已答复：现场检查笔录练习",
    ]
    assert _inbox(officer)[0][1] == f"/casestudies/submissions/{sub.id}"


def test_a_returned_nomination_reaches_the_county_admins(campaign, make_user):
    admin = make_user("bureau_admin", "441402")
    officer = make_user("officer", "441402", display_name="李明")
    now = local_to_utc(datetime(2017, 10, 12, 10, 0))
    db.session.add(
        Nomination(
            campaign_id=campaign.id,
            bureau_id=officer.bureau_id,
            user_id=officer.id,
            justification="办案能手",
            status="returned",
            nominated_by=admin.id,
            decided_at=now - timedelta(hours=2),
            return_reason="请补充事迹材料",
        )
    )
    db.session.commit()
    run_once(now, send=False)
    run_once(now + timedelta(hours=1), send=False)
    assert [t for t, _ in _inbox(admin)] == ["先进个人推荐（李明）被市局退回"]
    assert _inbox(officer) == []
