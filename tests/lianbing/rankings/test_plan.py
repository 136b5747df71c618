"""The plan's rules: expected activities declared by parts, exemptions, closing the campaign,
one slot per person, the collective's 事迹, A4 documents and snapshot numbers in exports."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from lianbing import host
from lianbing.audit.models import AuditLog
from lianbing.campaign import schedule
from lianbing.campaign import services as campaigns
from lianbing.campaign.bulletins import exporters as bulletin_exporters
from lianbing.campaign.bulletins import services as bulletins
from lianbing.campaign.schedule import today_local
from lianbing.dbtypes import utcnow
from lianbing.errors import Conflict
from lianbing.extensions import db
from lianbing.ledger import expected
from lianbing.ledger.services import record
from lianbing.rankings import closing, exporters, nominations
from lianbing.rankings.ranking import ranking_for

PAST = utcnow() - timedelta(hours=1)


def only(campaign, weights):
    all_kinds = campaigns.weights(campaign)
    campaigns.set_weights(campaign, {k: weights.get(k, 0.0) for k in all_kinds})
    db.session.commit()


def assert_a4(data: bytes) -> Document:
    doc = Document(io.BytesIO(data))
    for s in doc.sections:
        assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
        assert [
            round(m.mm) for m in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)
        ] == [37, 35, 28, 26]
    normal = doc.styles["Normal"].font
    assert normal.name == "仿宋" and normal.size.pt == 16
    return doc


def test_a_declared_activity_missed_lowers_the_share_and_an_exemption_restores_it(
    people, campaign, rec
):
    only(campaign, {"competition": 1})
    a, b = people["officer_441402_1"], people["officer_441402_2"]
    rec(a, "competition", "quiz:1", 60)
    rec(a, "competition", "quiz:2", 60)
    rec(b, "competition", "quiz:1", 90)
    host.declare_expected(campaign.id, "competition", "quiz:1", "知识竞赛一", 100, PAST)
    host.declare_expected(campaign.id, "competition", "quiz:2", "知识竞赛二", 100, PAST)
    db.session.commit()
    ranking = ranking_for(campaign)
    assert ranking.row_of(b.id).composite == pytest.approx(45)  # 90 of 200
    assert ranking.row_of(a.id).city_rank < ranking.row_of(b.id).city_rank
    row = db.session.scalar(
        select(expected.ExpectedActivity).where(expected.ExpectedActivity.ref == "quiz:2")
    )
    with pytest.raises(expected.ExpectedError, match="原因"):
        expected.exempt(row, b.id, " ", actor_id=people["city_admin"].id)
    expected.exempt(row, b.id, "病假", actor_id=people["city_admin"].id)
    db.session.commit()
    assert ranking_for(campaign).row_of(b.id).composite == pytest.approx(90)
    lines = {x.ref: x.status for x in expected.lines_for(campaign.id, b, utcnow())}
    assert lines == {"quiz:1": "done", "quiz:2": "exempt"}
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "expected.exempt"))


def test_withdrawn_activity_no_longer_counts(people, campaign, rec):
    only(campaign, {"competition": 1})
    b = people["officer_441402_2"]
    rec(b, "competition", "quiz:1", 90)
    host.declare_expected(campaign.id, "competition", "quiz:2", "知识竞赛二", 100, PAST)
    db.session.commit()
    assert ranking_for(campaign).row_of(b.id).composite == pytest.approx(45)
    host.withdraw_expected(campaign.id, "competition", "quiz:2")
    db.session.commit()
    assert ranking_for(campaign).row_of(b.id).composite == pytest.approx(90)


def test_officer_page_lists_done_missed_and_exempt(client, auth, people, campaign, rec):
    a = people["officer_441402_1"]
    rec(a, "quiz", "quiz:1", 80)
    host.declare_expected(campaign.id, "quiz", "quiz:1", "第一次测验", 100, PAST)
    host.declare_expected(campaign.id, "lecture", "lecture:9", "执法讲座", 90, PAST)
    db.session.commit()
    auth.login("officer_441402_1")
    page = client.get("/scores/mine").get_data(as_text=True)
    assert 'data-ref="quiz:1" data-status="done"' in page
    assert 'data-ref="lecture:9" data-status="missed"' in page and "未参加" in page


def test_closing_freezes_the_ledger_and_a_correction_needs_a_reason(people, campaign, rec):
    a, city = people["officer_441402_1"], people["city_admin"]
    rec(a, "quiz", "q1", 70)
    with pytest.raises(host.Forbidden):
        closing.close(campaign, people["admin_441402"])
    closing.close(campaign, city)
    db.session.commit()
    with pytest.raises(Conflict, match="已结束") as refused:
        record(a.id, campaign.id, "quiz", "q2", 50, 100, utcnow())
    assert refused.value.keep  # the refusal's audit row is kept
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "score.refused"))
    db.session.rollback()
    correction = closing.Correction(a.id, "quiz", "q1", 75, 100, "")
    with pytest.raises(host.Invalid, match="原因"):
        closing.correct(campaign, correction, city)
    correction = closing.Correction(a.id, "quiz", "q1", 75, 100, "阅卷漏计一题")
    closing.correct(campaign, correction, city)
    db.session.commit()
    assert (
        closing.snapshot_of(campaign, a.id)["composite"]
        == ranking_for(campaign).row_of(a.id).composite
    )
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "score.correction"))
    with pytest.raises(host.Invalid, match="原因"):
        closing.reopen(campaign, city, "")
    closing.reopen(campaign, city, "补录遗漏的讲座签到")
    db.session.commit()
    record(a.id, campaign.id, "quiz", "q2", 50, 100, utcnow())


def test_city_nominates_its_staff_and_one_person_holds_one_slot(people, campaign, rec, make_user):
    city = people["city_admin"]
    staff = make_user(role="officer", bureau_code="441400", display_name="市局科员")
    county = people["officer_441402_1"]
    rec(staff, "quiz", "q1", 80)
    rec(county, "quiz", "q1", 90)
    with pytest.raises(nominations.NominationForbidden, match="本局工作人员"):
        nominations.nominate(campaign, county.id, "理由", city)
    mine = nominations.nominate(campaign, staff.id, "牵头组织全市交叉检查", city)
    theirs = nominations.nominate(campaign, county.id, "查处案件多", people["admin_441402"])
    for n in (mine, theirs):
        nominations.decide(n, True, city)
    nominations.recommend(campaign.id, "county_individual", city, nomination_id=theirs.id)
    with pytest.raises(nominations.NominationConflict, match="县级先进个人"):
        nominations.recommend(campaign.id, "city_individual", city, nomination_id=theirs.id)
    with pytest.raises(nominations.NominationError, match="县级单位"):
        nominations.recommend(campaign.id, "county_individual", city, nomination_id=mine.id)
    nominations.recommend(campaign.id, "city_individual", city, nomination_id=mine.id)
    rec_ = nominations.recommend(
        campaign.id, "county_collective", city, bureau_id=county.bureau_id, statement="事迹"
    )
    assert rec_.statement == "事迹" and rec_.measures[0]["label"] == "集体综合得分"


def test_exports_show_the_snapshot_after_a_weight_change(people, campaign, rec):
    only(campaign, {"quiz": 1, "record_exercise": 1})
    a, city = people["officer_441402_1"], people["city_admin"]
    rec(a, "quiz", "q1", 83.1834, 100)
    rec(a, "record_exercise", "r1", 25, 30)
    n = nominations.nominate(campaign, a.id, "理由", people["admin_441402"])
    nominations.decide(n, True, city)
    nominations.recommend(campaign.id, "county_individual", city, nomination_id=n.id)
    shown = n.snapshot["composite"]
    only(campaign, {"quiz": 3, "record_exercise": 1})  # the live ranking moves
    assert ranking_for(campaign).row_of(a.id).composite != pytest.approx(shown)
    text = f"{shown:.2f}"
    sheet = load_workbook(io.BytesIO(exporters.recommendations_xlsx(campaign))).active
    assert [r[4] for r in sheet.iter_rows(min_row=2, values_only=True)] == [text]
    doc = assert_a4(exporters.recommendations_docx(campaign))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert text in cells and "83.1834" not in "".join(cells)
    doc = assert_a4(exporters.candidate_docx(campaign, a, n.justification, n.snapshot))
    assert text in [c.text for t in doc.tables for r in t.rows for c in r.cells]
    book = load_workbook(io.BytesIO(exporters.candidate_xlsx(campaign, a, n.snapshot)))
    assert ["综合得分", text] in [list(r) for r in book["基本情况"].iter_rows(values_only=True)]


def test_bulletin_word_export_is_a4(people, campaign):
    b = bulletins.save_draft(
        campaign,
        people["officer_441402_1"].bureau_id,
        campaign.start_date.replace(day=1),
        bulletins.BulletinData("梅江简报", "正文"),
        author_id=None,
    )
    assert_a4(bulletin_exporters.bulletins_docx([(b, [])], "简报汇编"))


def test_all_weights_zero_is_refused_and_audited(client, auth, people, campaign):
    kinds = campaigns.weights(campaign)
    with pytest.raises(campaigns.CampaignError, match="大于 0"):
        campaigns.set_weights(campaign, {k: 0.0 for k in kinds})
    db.session.rollback()
    auth.login("city_admin")
    r = client.post(f"/campaigns/{campaign.id}/weights", data={f"w_{k}": "0" for k in kinds})
    assert r.status_code == 400 and "大于 0" in r.get_data(as_text=True)
    assert campaigns.weights(campaign) == kinds
    refused = select(AuditLog).where(AuditLog.action == "campaign.weights_refused")
    assert db.session.scalar(refused) is not None


def test_nomination_deadline_defaults_to_the_calendar(people, campaign):
    from lianbing.rankings import rules

    rules.settings_for(campaign.id).nomination_deadline = None
    yesterday = today_local() - timedelta(days=1)
    settings = schedule.settings_for(campaign)
    schedule.save_settings(
        campaign,
        schedule.SettingsData(20, True, settings.bulletin_from, settings.bulletin_to, yesterday),
    )
    db.session.commit()
    deadline = rules.nomination_deadline(campaign.id)
    assert host.to_local(deadline).date() == yesterday  # the summary's due date
    with pytest.raises(nominations.NominationConflict, match="截止"):
        nominations.nominate(
            campaign, people["officer_441402_1"].id, "理由", people["admin_441402"]
        )
