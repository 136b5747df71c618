"""Ranking, awards, nominations, recommendations, bureau measures and demo data, without HTTP."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from lianbing.campaign import services as campaigns
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.ledger import expected, versions
from lianbing.ledger.models import ScoreEntry
from lianbing.rankings import awards, demo, measures, nominations, rules
from lianbing.rankings.models import Award, Nomination
from lianbing.rankings.ranking import ranking_for

PDF = b"%PDF-1.4 evidence"


def only(campaign, weights):
    """Give every kind weight 0 except the ones named."""
    all_kinds = campaigns.weights(campaign)
    campaigns.set_weights(campaign, {k: weights.get(k, 0.0) for k in all_kinds})
    db.session.commit()


def test_composite_is_weighted_share_on_100(people, campaign, rec):
    only(campaign, {"quiz": 1, "record_exercise": 3})
    a = people["officer_441402_1"]
    rec(a, "quiz", "q1", 80)
    rec(a, "record_exercise", "r1", 15, 30)
    row = ranking_for(campaign).row_of(a.id)
    assert row.share("quiz") == pytest.approx(0.8)
    assert row.composite == pytest.approx(100 * (1 * 0.8 + 3 * 0.5) / 4)


def test_officer_without_rows_scores_zero_and_ranks_last(people, campaign, rec):
    only(campaign, {"quiz": 1})
    rec(people["officer_441402_1"], "quiz", "q1", 10)
    ranking = ranking_for(campaign)
    idle = ranking.row_of(people["officer_441403_1"].id)
    assert (
        idle.composite == 0
        and idle.city_rank > ranking.row_of(people["officer_441402_1"].id).city_rank
    )


def test_missed_closed_expected_activity_counts_zero(people, campaign, rec):
    only(campaign, {"quiz": 1})
    a, b = people["officer_441402_1"], people["officer_441402_2"]
    rec(a, "quiz", "q1", 90)
    rec(b, "quiz", "q1", 90)
    rec(b, "quiz", "q2", 90)
    expected.declare(
        campaign.id,
        expected.ExpectedData("quiz", "q2", "第二次测验", 100, utcnow() - timedelta(hours=1)),
    )
    db.session.commit()
    ranking = ranking_for(campaign)
    assert ranking.row_of(a.id).share("quiz") == pytest.approx(0.45)  # 90 of 200
    assert ranking.row_of(b.id).share("quiz") == pytest.approx(0.9)


def test_expected_activity_not_closed_or_other_audience_does_not_count(people, campaign, rec):
    only(campaign, {"quiz": 1})
    a, other = people["officer_441402_1"], people["officer_441403_1"]
    rec(a, "quiz", "q1", 90)
    rec(other, "quiz", "q1", 90)
    expected.declare(
        campaign.id,
        expected.ExpectedData("quiz", "open", "未截止", 100, utcnow() + timedelta(days=1)),
    )
    expected.declare(
        campaign.id,
        expected.ExpectedData(
            "quiz", "q9", "梅江区专项", 100, utcnow() - timedelta(days=1), "bureaus", (a.bureau_id,)
        ),
    )
    db.session.commit()
    ranking = ranking_for(campaign)
    assert ranking.row_of(a.id).share("quiz") == pytest.approx(0.45)
    assert ranking.row_of(other.id).share("quiz") == pytest.approx(0.9)


def test_ties_go_to_record_exercise_share_then_earlier_completion(people, campaign, rec):
    only(campaign, {"quiz": 1, "record_exercise": 1})
    a, b, c = people["officer_441402_1"], people["officer_441402_2"], people["officer_441402_3"]
    rec(a, "quiz", "q", 100, minutes=1)
    rec(a, "record_exercise", "r", 50, minutes=1)
    rec(b, "quiz", "q", 50, minutes=5)
    rec(b, "record_exercise", "r", 100, minutes=5)
    rec(c, "quiz", "q", 50, minutes=2)
    rec(c, "record_exercise", "r", 100, minutes=2)
    ranking = ranking_for(campaign)
    order = [r.user_id for r in ranking.rows[:3]]
    assert order == [c.id, b.id, a.id]  # equal composite: record share, then earlier completion
    assert [ranking.row_of(u).city_rank for u in order] == [1, 2, 3]


def test_every_record_bumps_the_version_and_the_cached_ranking_follows(people, campaign, rec):
    only(campaign, {"quiz": 1})
    a = people["officer_441402_1"]
    rec(a, "quiz", "q1", 10)
    before = ranking_for(campaign)
    rec(a, "quiz", "q1", 90)  # a regrade
    after = ranking_for(campaign)
    assert after.version == before.version + 1 == versions.current(campaign.id)
    assert after.row_of(a.id).composite == pytest.approx(90)


def test_weight_change_is_seen_without_a_ledger_change(people, campaign, rec):
    only(campaign, {"quiz": 1})
    a = people["officer_441402_1"]
    rec(a, "quiz", "q1", 50)
    rec(a, "lecture", "l1", 100)
    assert ranking_for(campaign).row_of(a.id).composite == pytest.approx(50)
    only(campaign, {"quiz": 1, "lecture": 1})
    assert ranking_for(campaign).row_of(a.id).composite == pytest.approx(75)


def test_eligibility_rule_gives_the_reason(people, campaign, rec):
    only(campaign, {"quiz": 1, "record_exercise": 1})
    a = people["officer_441402_1"]
    rec(a, "quiz", "q", 100)
    rec(a, "record_exercise", "r", 10, 30)
    rules.update(
        campaign.id,
        deadline=None,
        quotas=rules.DEFAULT_QUOTAS,
        eligibility={"record_exercise": 0.6},
        measure_weights={},
        actor_id=None,
    )
    db.session.commit()
    row = ranking_for(campaign).row_of(a.id)
    assert not row.eligible
    assert row.reasons == ("笔录练习得分率 33%，低于要求的 60%",)


def _require_case_files(campaign, n=1):
    rules.update(
        campaign.id,
        deadline=utcnow() + timedelta(days=1),
        quotas=rules.DEFAULT_QUOTAS,
        eligibility={},
        measure_weights={},
        actor_id=None,
        min_entries={"case_file": n},
    )
    db.session.commit()


def test_a_candidate_needs_a_reviewed_case_file_when_the_city_requires_one(people, campaign, rec):
    only(campaign, {"quiz": 1})
    a, b = people["officer_441402_1"], people["officer_441402_2"]
    rec(a, "quiz", "q", 100)
    rec(b, "quiz", "q", 90)
    rec(b, "case_file", "casefile:1", 0)  # a reviewed file counts even when it failed
    assert ranking_for(campaign).row_of(a.id).eligible
    _require_case_files(campaign)
    ranking = ranking_for(campaign)
    assert ranking.row_of(a.id).reasons == ("案卷评查记录 0 条，少于要求的 1 条",)
    assert ranking.row_of(b.id).eligible
    _require_case_files(campaign, 2)
    assert ranking_for(campaign).row_of(b.id).reasons == ("案卷评查记录 1 条，少于要求的 2 条",)
    # a later update without min_entries keeps the rule; 0 lifts it
    rules.update(
        campaign.id,
        deadline=None,
        quotas=rules.DEFAULT_QUOTAS,
        eligibility={},
        measure_weights={},
        actor_id=None,
    )
    assert rules.min_entries(campaign.id) == {"case_file": 2}
    _require_case_files(campaign, 0)
    assert rules.min_entries(campaign.id) == {} and ranking_for(campaign).row_of(a.id).eligible


def test_an_ineligible_candidate_cannot_be_nominated(people, campaign, rec):
    only(campaign, {"quiz": 1})
    a = people["officer_441402_1"]
    rec(a, "quiz", "q", 100)
    _require_case_files(campaign)
    with pytest.raises(nominations.NominationError, match="案卷评查记录 0 条"):
        nominations.nominate(campaign, a.id, "事迹突出", people["admin_441402"])


def test_rules_refuse_out_of_range(people, campaign):
    with pytest.raises(rules.RulesError, match="最少记录条数"):
        _require_case_files(campaign, 101)
    with pytest.raises(rules.RulesError):
        rules.update(
            campaign.id,
            deadline=None,
            quotas={"city_individual": 99},
            eligibility={},
            measure_weights={},
            actor_id=None,
        )


# --- awards ------------------------------------------------------------------------------


def evidence(data=PDF, name="evidence.pdf"):
    return FileStorage(stream=io.BytesIO(data), filename=name)


def test_award_without_reason_is_refused_and_nothing_changes(people, campaign, audits):
    data = awards.AwardData(people["officer_441402_1"].id, "现场检查", "检查某厂", 5, "  ")
    with pytest.raises(awards.AwardError, match="理由"):
        awards.propose(campaign.id, data, evidence(), people["admin_441402"])
    db.session.rollback()
    assert db.session.scalar(select(Award.id)) is None and audits("award") == 0


def test_award_for_another_bureau_or_without_evidence_is_refused(people, campaign):
    data = awards.AwardData(people["officer_441403_1"].id, "现场检查", "检查某厂", 5, "发现问题")
    with pytest.raises(awards.AwardForbidden):
        awards.propose(campaign.id, data, evidence(), people["admin_441402"])
    own = awards.AwardData(people["officer_441402_1"].id, "现场检查", "检查某厂", 5, "发现问题")
    with pytest.raises(awards.AwardError, match="证明材料"):
        awards.propose(campaign.id, own, None, people["admin_441402"])


def test_award_reaches_the_ledger_only_when_the_city_approves(people, campaign, audits):
    officer = people["officer_441402_1"]
    award = awards.propose(
        campaign.id,
        awards.AwardData(officer.id, "交叉检查", "交叉检查发现问题", 6, "发现两处违法"),
        evidence(),
        people["admin_441402"],
    )
    db.session.commit()
    assert db.session.scalar(select(ScoreEntry.id).where(ScoreEntry.kind == "award")) is None
    with pytest.raises(awards.AwardForbidden):
        awards.decide(award, True, people["admin_441402"])
    awards.decide(award, True, people["city_admin"])
    db.session.commit()
    entry = db.session.scalar(select(ScoreEntry).where(ScoreEntry.kind == "award"))
    assert (entry.user_id, entry.points, entry.ref) == (officer.id, 6, f"award:{award.id}")
    assert (
        audits("award.propose") == 1
        and audits("award.approved") == 1
        and audits("score.insert") == 1
    )
    with pytest.raises(awards.AwardError):
        awards.decide(award, False, people["city_admin"], "再审")


def test_award_rejection_needs_a_note(people, campaign):
    award = awards.propose(
        campaign.id,
        awards.AwardData(people["officer_441402_1"].id, "其他", "事项", 2, "理由"),
        evidence(),
        people["city_admin"],
    )
    with pytest.raises(awards.AwardError, match="原因"):
        awards.decide(award, False, people["city_admin"], "")


# --- nominations -------------------------------------------------------------------------


@pytest.fixture
def scored(people, campaign, rec):
    only(campaign, {"quiz": 1, "record_exercise": 1})
    for i, name in enumerate(["officer_441402_1", "officer_441402_2", "officer_441403_1"]):
        rec(people[name], "quiz", "q", 90 - i)
        rec(people[name], "record_exercise", "r", 25, 30)
    return people


def test_nominate_attaches_the_ranking_snapshot(scored, campaign, audits):
    n = nominations.nominate(
        campaign, scored["officer_441402_1"].id, "多次发现违法问题", scored["admin_441402"]
    )
    db.session.commit()
    assert n.status == "submitted"
    assert n.snapshot["city_rank"] == 1 and n.snapshot["bureau_rank"] == 1
    assert n.snapshot["ledger_version"] == versions.current(campaign.id)
    assert audits("nomination.submit") == 1


def test_nominating_from_another_bureau_is_refused(scored, campaign, audits):
    with pytest.raises(nominations.NominationForbidden, match="本单位"):
        nominations.nominate(
            campaign, scored["officer_441403_1"].id, "理由", scored["admin_441402"]
        )
    assert db.session.scalar(select(Nomination.id)) is None and audits("nomination") == 0


def test_nominating_above_quota_is_refused(scored, campaign, audits):
    nominations.nominate(campaign, scored["officer_441402_1"].id, "理由", scored["admin_441402"])
    db.session.commit()
    with pytest.raises(nominations.NominationConflict, match="名额"):
        nominations.nominate(
            campaign, scored["officer_441402_2"].id, "理由", scored["admin_441402"]
        )
    assert audits("nomination") == 1


def test_nominating_after_the_deadline_is_refused(scored, campaign, audits):
    rules.update(
        campaign.id,
        deadline=utcnow() - timedelta(minutes=1),
        quotas=rules.DEFAULT_QUOTAS,
        eligibility={},
        measure_weights={},
        actor_id=None,
    )
    db.session.commit()
    with pytest.raises(nominations.NominationConflict, match="截止"):
        nominations.nominate(
            campaign, scored["officer_441402_1"].id, "理由", scored["admin_441402"]
        )
    assert audits("nomination") == 0


def test_nominating_someone_not_eligible_gives_the_reason(scored, campaign, rec):
    rec(scored["officer_441402_2"], "record_exercise", "r", 3, 30)
    rules.update(
        campaign.id,
        deadline=utcnow() + timedelta(days=30),
        quotas=rules.DEFAULT_QUOTAS,
        eligibility={"record_exercise": 0.5},
        measure_weights={},
        actor_id=None,
    )
    db.session.commit()
    with pytest.raises(nominations.NominationError, match="笔录练习得分率 10%"):
        nominations.nominate(
            campaign, scored["officer_441402_2"].id, "理由", scored["admin_441402"]
        )


def test_nomination_needs_a_justification(scored, campaign):
    with pytest.raises(nominations.NominationError, match="推荐理由"):
        nominations.nominate(campaign, scored["officer_441402_1"].id, " ", scored["admin_441402"])


def test_submitted_nomination_is_frozen_until_reopened(scored, campaign, audits):
    n = nominations.nominate(
        campaign, scored["officer_441402_1"].id, "理由一", scored["admin_441402"]
    )
    with pytest.raises(nominations.NominationConflict):
        nominations.resubmit(campaign, n, "改过的理由", scored["admin_441402"])
    with pytest.raises(nominations.NominationError, match="原因"):
        nominations.reopen(n, scored["city_admin"], "")
    with pytest.raises(nominations.NominationForbidden):
        nominations.reopen(n, scored["admin_441402"], "想改")
    nominations.reopen(n, scored["city_admin"], "补充事迹")
    nominations.resubmit(campaign, n, "改过的理由", scored["admin_441402"])
    db.session.commit()
    assert (n.status, n.justification) == ("submitted", "改过的理由")
    assert audits("nomination.reopen") == 1 and audits("nomination.submit") == 2


def test_city_returns_with_reason_and_accepts(scored, campaign, audits):
    n = nominations.nominate(
        campaign, scored["officer_441402_1"].id, "理由", scored["admin_441402"]
    )
    with pytest.raises(nominations.NominationError, match="原因"):
        nominations.decide(n, False, scored["city_admin"], "")
    nominations.decide(n, False, scored["city_admin"], "事迹不具体")
    assert n.status == "returned" and n.return_reason == "事迹不具体"
    # a returned nomination frees the quota
    other = nominations.nominate(
        campaign, scored["officer_441402_2"].id, "理由", scored["admin_441402"]
    )
    nominations.decide(other, True, scored["city_admin"])
    assert (
        other.status == "accepted"
        and audits("nomination.returned") == 1
        and audits("nomination.accepted") == 1
    )


def test_recommendations_respect_quotas_and_need_accepted_nominations(scored, campaign, audits):
    city = scored["city_admin"]
    n = nominations.nominate(
        campaign, scored["officer_441402_1"].id, "理由", scored["admin_441402"]
    )
    with pytest.raises(nominations.NominationError, match="已通过审核"):
        nominations.recommend(campaign.id, "city_individual", city, nomination_id=n.id)
    nominations.decide(n, True, city)
    nominations.recommend(campaign.id, "city_individual", city, nomination_id=n.id)
    with pytest.raises(nominations.NominationConflict, match="名额"):
        nominations.recommend(campaign.id, "city_individual", city, nomination_id=n.id)
    bureau = scored["officer_441402_1"].bureau
    with pytest.raises(nominations.NominationError, match="主要事迹"):
        nominations.recommend(campaign.id, "county_collective", city, bureau_id=bureau.id)
    nominations.recommend(
        campaign.id, "county_collective", city, bureau_id=bureau.id, statement="交叉检查十二次"
    )
    with pytest.raises(nominations.NominationError, match="县级单位"):
        nominations.recommend(
            campaign.id, "county_collective", city, bureau_id=scored["city_admin"].bureau_id
        )
    with pytest.raises(nominations.NominationForbidden):
        nominations.recommend(
            campaign.id, "county_individual", scored["admin_441402"], nomination_id=n.id
        )
    assert len(nominations.recommendations(campaign.id)) == 2 and audits("recommendation.add") == 2


# --- bureau measures ---------------------------------------------------------------------


def test_bureau_ranking_combines_builtin_and_registered_measures(app, scored, campaign):
    target = scored["officer_441403_1"].bureau_id
    measures.register_bureau_measure(
        app, "test_measure", "简报按时率", 1.0, lambda cid: {target: 1.0}
    )
    try:
        rules.update(
            campaign.id,
            deadline=None,
            quotas=rules.DEFAULT_QUOTAS,
            eligibility={},
            measure_weights={
                "participation": 0,
                "average": 0,
                "bulletin_timeliness": 0,
                "self_evaluation": 0,
                "test_measure": 1,
            },
            actor_id=None,
        )
        rows = measures.bureau_ranking(ranking_for(campaign))
        assert rows[0].bureau_id == target and rows[0].score == 100
        assert {r.rank for r in rows} == set(range(1, len(rows) + 1))
        with pytest.raises(measures.MeasureError):
            measures.register_bureau_measure(app, "test_measure", "重复", 1.0, lambda cid: {})
    finally:
        app.extensions[measures.EXTENSION_KEY].pop("test_measure")


def test_participation_and_average_per_bureau(scored, campaign):
    rows = {r.bureau_id: r for r in measures.bureau_ranking(ranking_for(campaign))}
    meijiang = rows[scored["officer_441402_1"].bureau_id]
    assert meijiang.officers == 5 and meijiang.active == 2
    assert meijiang.values["participation"] == pytest.approx(0.4)


# --- demo data ---------------------------------------------------------------------------


def test_demo_loader_is_idempotent(people, campaign_2017, audits):
    """The 2017 results of every demo officer, at 2017 dates with the activities' titles."""
    campaign = campaign_2017
    demo.load_past(campaign)
    db.session.commit()
    rows, logged, version = (
        db.session.query(ScoreEntry).count(),
        audits(),
        versions.current(campaign.id),
    )
    demo.load_past(campaign)
    db.session.commit()
    assert rows > 200 and (
        db.session.query(ScoreEntry).count(),
        audits(),
        versions.current(campaign.id),
    ) == (rows, logged, version)
    assert ranking_for(campaign).rows[0].composite > 50
    titles = {e.title for e in db.session.query(ScoreEntry)}
    assert "2017年梅州市环境执法知识竞赛" in titles and not [t for t in titles if "（" in t[-3:]]
