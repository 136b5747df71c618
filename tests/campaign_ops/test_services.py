"""Campaign operations services, without HTTP."""
from __future__ import annotations

import io
from datetime import date

import pytest
from defusedxml import ElementTree as SafeET
from docx import Document
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from lianbing.cli import load_campaign_demo
from lianbing.campaign.attachments import services as attachments
from lianbing.campaign.bulletins import exporters
from lianbing.campaign.bulletins import services as bulletins
from lianbing.campaign.bulletins.models import Bulletin
from lianbing.campaign.column import exporters as feed
from lianbing.campaign.column import services as column
from lianbing.campaign.column.models import ColumnArticle
from lianbing.campaign.drills import services as drills
from lianbing.campaign.drills.models import CROSS_INSPECTION, DrillRound, DrillTeam
from lianbing.campaign.evaluation import services as evaluation
from lianbing.campaign import schedule
from lianbing.extensions import db
from lianbing.files.models import StoredFile
from lianbing.files.services import UploadError
from lianbing.scoring.models import ScoreEntry

from .conftest import local

JULY = date(2017, 7, 1)


def _draft(campaign, bureau_id, period=JULY, title="七月简报"):
    return bulletins.save_draft(campaign, bureau_id, period, bulletins.BulletinData(title, "正文"), author_id=None)


def _refuse_late(campaign):
    s = schedule.settings_for(campaign)
    schedule.save_settings(campaign, schedule.SettingsData(s.bulletin_due_day, False, s.bulletin_from,
                                                           s.bulletin_to, s.summary_due))


# --- calendar -----------------------------------------------------------------

def test_deadlines_include_monthly_bulletins_and_summary(campaign):
    deadlines = schedule.all_deadlines(campaign)
    names = [(d.name, d.due_date) for d in deadlines]
    assert ("7月简报报送", date(2017, 7, 20)) in names
    assert ("总结报告和自评报送", date(2017, 10, 8)) in names
    assert [d.due_date for d in schedule.upcoming_deadlines(campaign, date(2017, 7, 21), 2)] == [
        date(2017, 8, 20), date(2017, 9, 20)]


def test_settings_move_the_due_day_and_refuse_bad_values(campaign):
    schedule.save_settings(campaign, schedule.SettingsData(25, True, date(2017, 6, 1), date(2017, 9, 30),
                                                           date(2017, 10, 8)))
    assert date(2017, 7, 25) in [d.due_date for d in schedule.all_deadlines(campaign)]
    assert schedule.bulletin_months(schedule.settings_for(campaign))[-1] == date(2017, 9, 1)
    with pytest.raises(schedule.ScheduleError, match="1 日到 28 日"):
        schedule.save_settings(campaign, schedule.SettingsData(31, True, date(2017, 6, 1), date(2017, 9, 1),
                                                               date(2017, 10, 8)))


def test_deadline_needs_a_name(campaign):
    with pytest.raises(schedule.ScheduleError, match="名称"):
        schedule.add_deadline(campaign, "  ", date(2017, 7, 1), "other")


# --- bulletins ----------------------------------------------------------------

def test_submission_by_the_20th_is_on_time(demo_people, campaign, bureau):
    b = _draft(campaign, bureau("441402").id)
    bulletins.submit(b, campaign, now=local(2017, 7, 20, 23, 59))
    assert b.status == "submitted" and not b.is_late


def test_late_submission_is_accepted_and_marked_when_configured(demo_people, campaign, bureau):
    b = _draft(campaign, bureau("441402").id)
    bulletins.submit(b, campaign, now=local(2017, 7, 21, 0, 1))
    assert b.status == "submitted" and b.is_late


def test_late_submission_is_refused_when_configured(demo_people, campaign, bureau):
    _refuse_late(campaign)
    b = _draft(campaign, bureau("441402").id)
    with pytest.raises(bulletins.DeadlinePassed, match="不接受逾期提交"):
        bulletins.submit(b, campaign, now=local(2017, 7, 21, 9))
    assert b.status == "draft" and b.submitted_at is None


def test_return_and_resubmission_keep_the_first_timeliness(demo_people, campaign, bureau):
    _refuse_late(campaign)
    b = _draft(campaign, bureau("441402").id)
    bulletins.submit(b, campaign, now=local(2017, 7, 19, 9))
    with pytest.raises(bulletins.BulletinError, match="修改意见"):
        bulletins.return_bulletin(b, "  ")
    bulletins.return_bulletin(b, "请补充数据")
    bulletins.save_draft(campaign, b.bureau_id, JULY, bulletins.BulletinData("七月简报（修改）", "补充"), author_id=None)
    bulletins.submit(b, campaign, now=local(2017, 7, 28, 9))
    assert b.status == "submitted" and not b.is_late and b.title == "七月简报（修改）"


def test_submitted_bulletin_cannot_be_edited(demo_people, campaign, bureau):
    b = _draft(campaign, bureau("441402").id)
    bulletins.submit(b, campaign, now=local(2017, 7, 1, 9))
    with pytest.raises(bulletins.BulletinConflict, match="不能再修改"):
        _draft(campaign, b.bureau_id)


def test_month_outside_the_bulletin_months_is_refused(demo_people, campaign, bureau):
    with pytest.raises(bulletins.BulletinError, match="不在本活动的简报月份内"):
        _draft(campaign, bureau("441402").id, period=date(2018, 1, 1))


def test_board_states_and_timeliness(demo_people, campaign, bureau):
    s = schedule.settings_for(campaign)
    schedule.save_settings(campaign, schedule.SettingsData(20, True, date(2017, 6, 1), date(2017, 7, 1),
                                                           s.summary_due))
    meijiang, meixian, dabu = bureau("441402").id, bureau("441403").id, bureau("441422").id
    for month, when in ((6, local(2017, 6, 10, 9)), (7, local(2017, 7, 25, 9))):
        bulletins.submit(_draft(campaign, meijiang, date(2017, month, 1)), campaign, now=when)
    returned = _draft(campaign, meixian, date(2017, 6, 1))
    bulletins.submit(returned, campaign, now=local(2017, 6, 1, 9))
    bulletins.return_bulletin(returned, "补充")
    _draft(campaign, dabu, date(2017, 7, 1))
    months, rows = bulletins.board(campaign, date(2017, 7, 10))
    grid = {b.id: [c.state for c in cells] for b, cells in rows}
    assert grid[meijiang] == ["on_time", "late"]
    assert grid[meixian] == ["returned", "pending"]
    assert grid[dabu] == ["missing", "draft"]
    measure = bulletins.bulletin_timeliness(campaign.id, today=date(2017, 8, 1))
    assert measure[meijiang] == 0.75 and measure[meixian] == 0.0 and measure[dabu] == 0.0
    assert len(measure) == 8 and all(0 <= v <= 1 for v in measure.values())


def test_timeliness_is_one_before_anything_is_due(demo_people, campaign):
    assert set(bulletins.bulletin_timeliness(campaign.id, today=date(2017, 6, 1)).values()) == {1.0}
    assert bulletins.bulletin_timeliness(99999) == {}


def test_word_export_holds_title_and_body(demo_people, campaign, bureau):
    b = bulletins.save_draft(campaign, bureau("441402").id, JULY,
                             bulletins.BulletinData("梅江七月简报", "## 工作情况\n\n- 检查 **12** 家\n\n正文段落"), author_id=None)
    doc = Document(io.BytesIO(exporters.bulletins_docx([(b, ["照片.jpg"])])))
    text = [p.text for p in doc.paragraphs]
    assert "梅江七月简报" in text and "工作情况" in text and "检查 12 家" in text and "附件：照片.jpg" in text


# --- attachments ---------------------------------------------------------------

def _upload(name: str, data: bytes) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name)


def test_wrong_type_and_size_are_refused_with_nothing_stored(app):
    with pytest.raises(UploadError, match="不支持的文件类型"):
        attachments.attach("bulletin", 1, [_upload("run.exe", b"MZ...")], allowed=attachments.DOCUMENT_TYPES,
                           max_bytes=1000, user_id=None)
    with pytest.raises(attachments.FileTooLarge, match="超过大小限制"):
        attachments.attach("bulletin", 1, [_upload("big.pdf", b"%PDF" + b"0" * 2000)],
                           allowed=attachments.DOCUMENT_TYPES, max_bytes=1000, user_id=None)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0
    stored = attachments.attach("bulletin", 1, [_upload("ok.pdf", b"%PDF-1.4 x")],
                                allowed=attachments.DOCUMENT_TYPES, max_bytes=1000, user_id=None)
    assert [f.filename for f in attachments.files_of("bulletin", 1)] == ["ok.pdf"]
    assert attachments.owner_of("bulletin", stored[0].id) == 1 and attachments.owner_of("article", stored[0].id) is None


# --- drills -------------------------------------------------------------------

def _cross(campaign):
    return drills.create_round(campaign, CROSS_INSPECTION, "交叉检查", date(2017, 7, 16), date(2017, 8, 15))


def test_cross_team_cannot_inspect_its_own_county(demo_people, campaign, bureau):
    round_ = _cross(campaign)
    with pytest.raises(drills.DrillError, match="交叉检查不能检查本单位"):
        drills.create_team(round_, "一组", bureau("441402").id, bureau("441402").id, [])


def test_officer_of_the_inspected_county_is_refused(demo_people, campaign, bureau, user):
    round_ = _cross(campaign)
    team = drills.create_team(round_, "一组", bureau("441402").id, bureau("441403").id,
                              [user("officer_441402_1").id])
    with pytest.raises(drills.DrillError, match="不能参加检查本单位企业"):
        drills.add_member(team, user("officer_441403_1").id)
    with pytest.raises(drills.DrillError, match="不属于检查组的派出单位"):
        drills.add_member(team, user("officer_441422_1").id)
    with pytest.raises(drills.DrillError, match="只能把执法人员"):
        drills.add_member(team, user("admin_441402").id)
    assert [m.user.username for m in team.members] == ["officer_441402_1"]


def test_report_dates_must_fall_in_the_round(demo_people, campaign, bureau, user):
    team = drills.create_team(_cross(campaign), "一组", bureau("441402").id, bureau("441403").id,
                              [user("officer_441402_1").id])
    with pytest.raises(drills.DrillError, match="检查日期须在本轮次期间"):
        drills.file_report(team, drills.ReportData("某企业", date(2017, 9, 1), "", 1), user_id=None)


def test_award_goes_to_every_member_through_the_ledger(demo_people, campaign, bureau, user):
    members = [user("officer_441402_1").id, user("officer_441402_2").id]
    team = drills.create_team(_cross(campaign), "一组", bureau("441402").id, bureau("441403").id, members)
    report = drills.file_report(team, drills.ReportData("某陶瓷厂", date(2017, 7, 20), "未运行", 2), user_id=None)
    with pytest.raises(drills.DrillError, match="加分须在"):
        drills.award(report, 12, 10)
    drills.award(report, 8, 10)
    drills.award(report, 9, 10)
    rows = db.session.scalars(select(ScoreEntry).where(ScoreEntry.ref == f"drill:{report.id}")).all()
    assert sorted(r.user_id for r in rows) == sorted(members)
    assert {(r.kind, r.points, r.max_points) for r in rows} == {("award", 9.0, 10.0)}


def test_visible_teams_follow_roles(demo_people, campaign, bureau, user):
    team = drills.create_team(_cross(campaign), "一组", bureau("441402").id, bureau("441403").id,
                              [user("officer_441402_1").id])
    assert drills.visible_teams(user("officer_441402_1"), campaign.id) == [team]
    assert drills.visible_teams(user("officer_441402_3"), campaign.id) == []
    assert drills.visible_teams(user("admin_441403"), campaign.id) == [team]
    assert drills.visible_teams(user("admin_441422"), campaign.id) == []
    assert drills.visible_teams(user("trainer"), campaign.id) == []


# --- evaluation ---------------------------------------------------------------

def test_self_evaluation_review_and_measure(demo_people, campaign, bureau):
    item = evaluation.add_item(campaign, "组织领导", 20)
    bid = bureau("441402").id
    with pytest.raises(evaluation.EvaluationError, match="0 到 20"):
        evaluation.save_report(campaign, bid, "总结", [evaluation.ScoreInput(item.id, 25, "")])
    report = evaluation.save_report(campaign, bid, "总结", [evaluation.ScoreInput(item.id, 18, "方案")])
    evaluation.submit_report(report, campaign, now=local(2017, 10, 9, 9))
    assert report.is_late
    evaluation.review(report, [evaluation.ScoreInput(item.id, 15, "")], "较好")
    assert evaluation.totals(report) == (18, 15)
    assert evaluation.evaluation_scores(campaign.id) == {bid: 0.75}


def test_late_summary_refused_when_configured(demo_people, campaign, bureau):
    _refuse_late(campaign)
    item = evaluation.add_item(campaign, "组织领导", 20)
    report = evaluation.save_report(campaign, bureau("441402").id, "总结", [evaluation.ScoreInput(item.id, 18, "")])
    with pytest.raises(evaluation.DeadlinePassed, match="不接受逾期提交"):
        evaluation.submit_report(report, campaign, now=local(2017, 10, 9, 9))
    evaluation.submit_report(report, campaign, now=local(2017, 10, 8, 20))
    assert report.status == "submitted" and not report.is_late


def test_submit_needs_every_self_score(demo_people, campaign, bureau):
    evaluation.add_item(campaign, "组织领导", 20)
    report = evaluation.save_report(campaign, bureau("441402").id, "总结", [])
    with pytest.raises(evaluation.EvaluationError, match="组织领导"):
        evaluation.submit_report(report, campaign, now=local(2017, 10, 1, 9))


# --- column -------------------------------------------------------------------

def test_only_published_articles_and_disclosed_cases_are_public(demo_people, campaign, bureau):
    article = column.save_article(None, campaign.id, bureau("441402").id,
                                  column.ArticleData("标题", "正文"), author_id=None)
    assert column.published_article(article.id) is None
    column.submit_article(article)
    assert column.published_article(article.id) is None
    column.publish(article)
    assert column.published_article(article.id) is article
    column.reject(article, "撤下")
    assert column.published_article(article.id) is None
    case = column.add_case(campaign.id, column.CaseData("某厂", "超标", "第九十九条", "罚款", date(2017, 8, 1)))
    assert column.disclosed_case(case.id) is None
    column.set_disclosed(case, True)
    assert column.disclosed_case(case.id) is case


def test_atom_feed_is_well_formed_and_escaped(demo_people, campaign, bureau):
    article = column.save_article(None, campaign.id, bureau("441402").id,
                                  column.ArticleData("<script>alert(1)</script> & 标题", "正文 <b>粗</b>"), author_id=None)
    column.publish(article)
    case = column.add_case(campaign.id, column.CaseData("某厂<img>", "超标<script>", "依据", "罚款", date(2017, 8, 1)),
                           disclose=True)
    xml = feed.atom_feed("专栏", "http://x/feed", "http://x/", [(article, "http://x/a/1")],
                         [(case, "http://x/c/1")], local(2017, 9, 1, 9))
    root = SafeET.fromstring(xml)
    ns = {"a": feed.ATOM}
    titles = [e.text for e in root.findall("a:entry/a:title", ns)]
    assert titles == ["<script>alert(1)</script> & 标题", "行政处罚：某厂<img>"]
    assert b"<script>" not in xml
    contents = [e.text for e in root.findall("a:entry/a:content", ns)]
    assert "&lt;script&gt;" in contents[1]


# --- demo ---------------------------------------------------------------------

def test_demo_is_idempotent_and_shows_late_and_missing(ops_demo, bureau):
    counts = [db.session.scalar(select(func.count()).select_from(m)) for m in (Bulletin, DrillRound, DrillTeam, ColumnArticle)]
    load_campaign_demo()
    db.session.commit()
    assert [db.session.scalar(select(func.count()).select_from(m)) for m in (Bulletin, DrillRound, DrillTeam, ColumnArticle)] == counts
    months, rows = bulletins.board(ops_demo, date(2017, 11, 1))
    assert [m.month for m in months] == [6, 7, 8, 9]
    states = [c.state for _, cells in rows for c in cells]
    assert states.count("missing") == 1 and states.count("late") == 3 and states.count("returned") == 1
    assert len(column.published_articles()) == 3 and len(column.disclosed_cases()) == 2
