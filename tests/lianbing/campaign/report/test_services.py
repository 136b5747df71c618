"""The report's figures against seeded results, and the summary's submit/return flow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lianbing.accounts import services as accounts
from lianbing.audit.models import AuditLog
from lianbing.campaign.column.models import PenaltyCase
from lianbing.campaign.drills.models import DrillReport, DrillTeam
from lianbing.campaign.evaluation import evidence
from lianbing.campaign.report import evidence as report_evidence
from lianbing.campaign.report import figures, services
from lianbing.campaign.report.models import RETURNED, SUBMITTED
from lianbing.campaign.schedule import today_local
from lianbing.dbtypes import utcnow
from lianbing.errors import Conflict, Invalid
from lianbing.extensions import db
from lianbing.ledger import services as ledger_services
from lianbing.notify.cli import run_once
from lianbing.notify.models import Notification
from lianbing.rankings.models import Nomination


def _values(found) -> dict:
    return {(f.section, f.label): f.value for f in found}


def test_county_figures_count_its_own_people_and_results(seeded):
    got = _values(figures.figures_for(seeded.campaign, seeded.meijiang))
    assert got[("参训人员", "执法人员（人）")] == 3
    assert got[("参训人员", "参加练兵（人）")] == 2
    assert got[("参训人员", "参与率（%）")] == 66.7
    assert got[("积分台账", "知识竞赛：参加（人）")] == 2
    # (80 + 40 + 60) / 300
    assert got[("积分台账", "知识竞赛：平均得分率（%）")] == 60.0
    assert got[("积分台账", "案卷评查：参加（人）")] == 0


def test_county_drills_and_paperwork(seeded):
    got = _values(figures.figures_for(seeded.campaign, seeded.meijiang))
    assert got[("实战练兵", "参加练兵轮次（轮）")] == 1
    assert got[("实战练兵", "检查组（个）")] == 1
    assert got[("实战练兵", "检查企业（家）")] == 2
    assert got[("实战练兵", "发现问题（条）")] == 2
    assert got[("报送与宣传", "公开曝光案件（件）")] == 1
    assert got[("报送与宣传", "推荐先进个人（人）")] == 2
    assert got[("报送与宣传", "市局采纳推荐（人）")] == 1
    other = _values(figures.figures_for(seeded.campaign, seeded.meixian))
    assert other[("实战练兵", "检查组（个）")] == 0
    assert other[("积分台账", "案卷评查：参加（人）")] == 1
    assert other[("积分台账", "案卷评查：平均得分率（%）")] == 75.0


def test_the_city_counts_every_county(seeded):
    city = accounts.city_bureau()
    got = _values(figures.figures_for(seeded.campaign, city))
    assert got[("参训人员", "执法人员（人）")] == 4
    assert got[("参训人员", "参加练兵（人）")] == 3
    assert got[("积分台账", "知识竞赛：参加（人）")] == 3
    # (80 + 40 + 60 + 90) / 400
    assert got[("积分台账", "知识竞赛：平均得分率（%）")] == 67.5
    assert got[("报送与宣传", "公开曝光案件（件）")] == 2


def test_city_table_has_the_city_then_every_county(seeded):
    columns = figures.city_table(seeded.campaign)
    assert [c.name for c in columns][:3] == ["全市", "梅江区", "梅县区"]
    assert len(columns) == 9
    assert columns[1].value("参训人员", "参与率（%）") == 66.7
    assert columns[2].value("参训人员", "参与率（%）") == 100.0


def test_evidence_picks_the_sections_an_item_names(seeded):
    found = figures.figures_for(seeded.campaign, seeded.meijiang)
    picked = evidence.matching("实战练兵与交叉检查：检查企业数量", found)
    assert {f.section for f in picked} == {"实战练兵"}
    assert {f.section for f in evidence.matching("组织领导", found)} == {"参训人员"}
    assert evidence.matching("无关的项目", found) == []


def _saved(seeded, text="我区组织了三次培训。"):
    return services.save_sections(
        seeded.campaign, seeded.meijiang, {"overview": text}, actor_id=seeded.admin.id
    )


def test_submit_return_resubmit(seeded):
    report = _saved(seeded)
    services.submit(report, actor_id=seeded.admin.id)
    assert report.status == SUBMITTED and report.submitted_at
    with pytest.raises(Conflict):
        _saved(seeded, "改动")
    services.return_report(report, "请补充案卷评查情况", actor_id=None)
    assert report.status == RETURNED and report.return_comment == "请补充案卷评查情况"
    _saved(seeded, "补充：评查案卷 1 卷。")
    services.submit(report, actor_id=seeded.admin.id)
    assert report.status == SUBMITTED and report.resubmitted_at
    assert report.sections["overview"] == "补充：评查案卷 1 卷。"
    actions = [a.action for a in db.session.query(AuditLog).order_by(AuditLog.id)]
    assert actions.count("report.submit") == 2 and actions.count("report.return") == 1


def test_refusals_change_nothing(seeded):
    report = _saved(seeded)
    with pytest.raises(Conflict):
        services.return_report(report, "意见")  # not submitted yet
    services.submit(report)
    with pytest.raises(Invalid):
        services.return_report(report, "  ")
    assert report.status == SUBMITTED
    with pytest.raises(Invalid):
        _saved(seeded, "字" * (services.MAX_SECTION + 1))
    empty = services.save_sections(seeded.campaign, seeded.meixian, {})
    with pytest.raises(Invalid):
        services.submit(empty)


def test_the_city_summary_cannot_be_returned(seeded):
    city = accounts.city_bureau()
    report = services.save_sections(seeded.campaign, city, {"overview": "全市情况"})
    services.submit(report)
    with pytest.raises(Conflict):
        services.return_report(report, "意见")


def _notices(user) -> list[tuple[str, str]]:
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id))
    return [(n.title, n.body) for n in rows]


def test_a_returned_summary_is_noticed_by_its_county_once_per_return(seeded, user):
    report = _saved(seeded)
    services.submit(report)
    services.return_report(report, "请补充数据")
    db.session.commit()
    run_once(utcnow())
    run_once(utcnow())
    assert _notices(seeded.admin) == [("报省总结被市局退回", "请补充数据")]
    assert _notices(user("admin_441403")) == []
    services.submit(report)
    services.return_report(report, "还需补充", now=utcnow() + timedelta(seconds=2))
    db.session.commit()
    run_once(utcnow() + timedelta(seconds=3))
    assert [b for _, b in _notices(seeded.admin)] == ["请补充数据", "还需补充"]


def _evidence_is_fresh(seeded) -> dict:
    """The cached evidence, checked against a count made afresh."""
    kept = _values(report_evidence.evidence_figures(seeded.campaign, seeded.meijiang))
    assert kept == _values(figures.figures_for(seeded.campaign, seeded.meijiang))
    return kept


def test_evidence_figures_are_kept_until_a_source_changes(seeded, monkeypatch):
    first = _evidence_is_fresh(seeded)
    counted = []
    monkeypatch.setattr(report_evidence.ledger, "read", lambda c: counted.append(c))
    monkeypatch.setattr(figures, "_drills", lambda *a: counted.append(a))
    monkeypatch.setattr(figures, "_paperwork", lambda *a: counted.append(a))
    again = report_evidence.evidence_figures(seeded.campaign, seeded.meijiang)
    assert _values(again) == first and counted == []


def test_a_change_in_any_source_shows_in_the_evidence_at_once(seeded):
    before = _evidence_is_fresh(seeded)
    officer, nomination = seeded.officers[2], db.session.scalars(select(Nomination)).first()
    ledger_services.record(
        officer.id, seeded.campaign.id, "competition", "quiz:1", 50, 100, utcnow()
    )
    team = db.session.scalars(select(DrillTeam)).one()
    db.session.add(
        DrillReport(team_id=team.id, enterprise="丙厂", inspected_on=today_local(), problems="x")
    )
    hidden = db.session.scalars(select(PenaltyCase).where(PenaltyCase.is_disclosed.is_(False)))
    hidden.first().is_disclosed = True
    nomination.status = "accepted"
    db.session.commit()
    after = _evidence_is_fresh(seeded)
    assert after[("参训人员", "参加练兵（人）")] == before[("参训人员", "参加练兵（人）")] + 1
    assert after[("实战练兵", "检查企业（家）")] == before[("实战练兵", "检查企业（家）")] + 1
    assert after[("报送与宣传", "公开曝光案件（件）")] == 2
    assert after[("报送与宣传", "市局采纳推荐（人）")] == 2
