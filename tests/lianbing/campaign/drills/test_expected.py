"""A drill round is an expected activity of the officers on its teams: one ledger line per
round and member, a member whose team earned nothing missed it, deleting the round withdraws
it, and migration 0190 rewrites the old per-report lines (no HTTP)."""

from __future__ import annotations

import importlib.util
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from lianbing.audit.models import AuditLog
from lianbing.campaign import services as campaigns
from lianbing.campaign.drills import services as drills
from lianbing.campaign.drills.models import CROSS_INSPECTION, SELF_INSPECTION, DrillRound
from lianbing.dbtypes import local_to_utc, utcnow
from lianbing.errors import Conflict
from lianbing.extensions import db
from lianbing.ledger import expected
from lianbing.ledger.models import ExpectedActivity, ScoreEntry, ScoreTotal
from lianbing.ledger.services import record
from lianbing.rankings.ranking import ranking_for

FILED = local_to_utc(datetime(2017, 7, 20, 18))
MIGRATION = Path(__file__).resolve().parents[4] / "migrations/versions/0190_drills_round_refs.py"


@pytest.fixture
def campaign(campaign_2017):
    """The 2017 plan's campaign: its rounds closed long ago."""
    kinds = campaigns.weights(campaign_2017)
    campaigns.set_weights(campaign_2017, {k: 1.0 if k == "award" else 0.0 for k in kinds})
    return campaign_2017


def _round(campaign, name="交叉检查", kind=CROSS_INSPECTION) -> DrillRound:
    return drills.create_round(campaign, kind, name, date(2017, 7, 16), date(2017, 8, 15))


def _team(round_, bureau, officers, target="441403"):
    return drills.create_team(round_, "一组", bureau("441402").id, bureau(target).id, officers)


def _report(team, enterprise="某陶瓷厂", day=date(2017, 7, 20)):
    data = drills.ReportData(enterprise, day, "未运行", 2)
    return drills.file_report(team, data, user_id=None, now=FILED)


def _expected(round_) -> ExpectedActivity | None:
    return db.session.scalar(
        select(ExpectedActivity).where(ExpectedActivity.ref == f"drill_round:{round_.id}")
    )


def test_a_round_is_expected_of_the_officers_on_its_teams(demo_people, campaign, bureau, user):
    round_ = _round(campaign)
    assert _expected(round_) is None  # no team yet: nobody to expect it of
    a, b, c = (user(f"officer_441402_{n}") for n in (1, 2, 3))
    team = _team(round_, bureau, [a.id, b.id])
    row = _expected(round_)
    assert (row.kind, row.title, row.audience) == ("award", "交叉检查", "users")
    assert sorted(m.user_id for m in row.members) == sorted([a.id, b.id])
    assert row.closes_at == local_to_utc(datetime(2017, 8, 15, 23, 59, 59))
    drills.add_member(team, c.id)
    assert sorted(m.user_id for m in _expected(round_).members) == sorted([a.id, b.id, c.id])


def test_one_ledger_line_per_round_and_member_sums_the_teams_awards(
    demo_people, campaign, bureau, user
):
    a, b = user("officer_441402_1"), user("officer_441402_2")
    round_ = _round(campaign)
    team = _team(round_, bureau, [a.id, b.id])
    first, second = _report(team), _report(team, "某电镀厂", date(2017, 7, 21))
    drills.award(first, 8, 10)
    drills.award(second, 6, 10)
    drills.award(first, 9, 10)  # a regrade replaces the report's award, not adds to it
    rows = db.session.scalars(select(ScoreEntry).where(ScoreEntry.kind == "award")).all()
    assert {(r.user_id, r.ref, r.points, r.max_points) for r in rows} == {
        (a.id, f"drill_round:{round_.id}", 15.0, 20.0),
        (b.id, f"drill_round:{round_.id}", 15.0, 20.0),
    }
    assert rows[0].detail["report_ids"] == [first.id, second.id]
    # an officer who joins the team shares what it earned in the round
    c = user("officer_441402_3")
    drills.add_member(team, c.id)
    mine = db.session.scalar(select(ScoreEntry).where(ScoreEntry.user_id == c.id))
    assert (mine.ref, mine.points, mine.max_points) == (f"drill_round:{round_.id}", 15.0, 20.0)


def test_a_member_whose_team_earned_nothing_missed_the_round(demo_people, campaign, bureau, user):
    a, b = user("officer_441402_1"), user("officer_441402_2")
    cross, own = _round(campaign), _round(campaign, "自查", SELF_INSPECTION)
    drills.award(_report(_team(cross, bureau, [a.id])), 8, 10)
    _team(cross, bureau, [b.id], target="441422")  # b's team filed nothing
    drills.award(_report(_team(own, bureau, [b.id], target="441402")), 8, 10)
    db.session.commit()
    ranking = ranking_for(campaign)
    assert ranking.row_of(a.id).composite == pytest.approx(80)
    assert ranking.row_of(b.id).composite == pytest.approx(40)  # 8 of 10 + 0 of the missed 10
    lines = {x.ref: x.status for x in expected.lines_for(campaign.id, b, utcnow())}
    assert lines == {f"drill_round:{cross.id}": "missed", f"drill_round:{own.id}": "done"}
    expected.exempt(_expected(cross), b.id, "执行专项任务", actor_id=user("city_admin").id)
    db.session.commit()
    assert ranking_for(campaign).row_of(b.id).composite == pytest.approx(80)
    lines = {x.ref: x.status for x in expected.lines_for(campaign.id, b, utcnow())}
    assert lines[f"drill_round:{cross.id}"] == "exempt"


def test_deleting_a_round_withdraws_it_and_a_reported_round_stays(
    demo_people, campaign, bureau, user
):
    a = user("officer_441402_1")
    round_ = _round(campaign)
    _team(round_, bureau, [a.id])
    round_id = round_.id
    drills.delete_round(round_, actor_id=user("city_admin").id)
    assert db.session.get(DrillRound, round_id) is None
    assert (
        db.session.scalar(
            select(ExpectedActivity).where(ExpectedActivity.ref == f"drill_round:{round_id}")
        )
        is None
    )
    gone = db.session.scalar(select(AuditLog).where(AuditLog.action == "drill.round_delete"))
    assert gone.target_id == str(round_id) and gone.old["name"] == "交叉检查"
    kept = _round(campaign, "交叉检查二")
    _report(_team(kept, bureau, [a.id]))
    with pytest.raises(Conflict, match="已有检查组提交报告"):
        drills.delete_round(kept)
    assert _expected(kept) is not None and db.session.get(DrillRound, kept.id) is not None


def _migration():
    spec = importlib.util.spec_from_file_location("m0190_drills", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_migration_merges_per_report_lines_into_the_round_and_keeps_their_audit(
    demo_people, campaign, bureau, user
):
    a, b = user("officer_441402_1"), user("officer_441402_2")
    round_ = _round(campaign)
    team = _team(round_, bureau, [a.id, b.id])
    reports = [_report(team), _report(team, "某电镀厂", date(2017, 7, 21))]
    for report, points in zip(reports, (8, 6)):  # the lines as awards wrote them before 0190
        for officer in (a, b):
            record(officer.id, campaign.id, "award", f"drill:{report.id}", points, 10, FILED)
    db.session.commit()
    before = {(t.user_id, t.points, t.max_points) for t in db.session.scalars(select(ScoreTotal))}
    old_ids = {
        r.id for r in db.session.scalars(select(ScoreEntry).where(ScoreEntry.user_id == a.id))
    }
    _migration().rewrite(db.session.connection())
    db.session.commit()
    db.session.expire_all()
    rows = db.session.scalars(select(ScoreEntry).order_by(ScoreEntry.user_id)).all()
    assert {(r.user_id, r.ref, r.points, r.max_points, r.title) for r in rows} == {
        (a.id, f"drill_round:{round_.id}", 14.0, 20.0, "交叉检查"),
        (b.id, f"drill_round:{round_.id}", 14.0, 20.0, "交叉检查"),
    }
    kept = next(r for r in rows if r.user_id == a.id)
    totals = {(t.user_id, t.points, t.max_points) for t in db.session.scalars(select(ScoreTotal))}
    assert totals == before  # the rankings read the same sums
    assert {t.entries for t in db.session.scalars(select(ScoreTotal))} == {1}
    trail = db.session.scalars(
        select(AuditLog)
        .where(AuditLog.target_type == "score_entry", AuditLog.target_id == str(kept.id))
        .order_by(AuditLog.id)
    ).all()
    assert [x.action for x in trail] == ["score.insert", "score.insert", "score.update"]
    assert set(trail[-1].old["entry_ids"]) == old_ids
    assert not db.session.scalars(
        select(AuditLog).where(
            AuditLog.target_type == "score_entry",
            AuditLog.target_id.in_([str(i) for i in old_ids - {kept.id}]),
        )
    ).all()
