"""Once the campaign is closed its weights and ranking rules are locked: a change is refused
with the reason, the refusal is audited and nothing changes; reopening unlocks them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lianbing.audit.models import AuditLog
from lianbing.campaign import services as campaigns
from lianbing.extensions import db
from lianbing.rankings import closing, locks, rules

KINDS = ("award", "study", "lecture", "quiz", "competition", "case_lesson", "case_file")
SETTINGS_FORM = {
    "deadline": "2030-10-08T23:59",
    "q_county_collective": 1,
    "q_city_individual": 2,
    "q_county_individual": 1,
    "m_participation": 1,
    "m_average": 2,
    "m_bulletin_timeliness": 1,
    "m_self_evaluation": 1,
    **{f"e_{k}": 0 for k in KINDS},
    **{f"n_{k}": 0 for k in KINDS},
    "e_record_exercise": 60,
    "n_record_exercise": 0,
}


@pytest.fixture
def closed(people, campaign, monkeypatch):
    """The campaign, closed by the city (whatever today's stage: closing itself is not tested)."""
    monkeypatch.setattr(closing, "can_close", lambda c: True)
    closing.close(campaign, people["city_admin"])
    db.session.commit()
    return campaign


def _audits(action: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditLog).where(AuditLog.action == action)
    )


def _rules(campaign_id: int) -> tuple:
    return rules.quotas(campaign_id), rules.eligibility(campaign_id)


def _update_rules(campaign, actor):
    rules.update(
        campaign.id,
        deadline=None,
        quotas={"city_individual": 3},
        eligibility={"quiz": 0.5},
        measure_weights={},
        actor_id=actor.id,
    )


def test_weights_are_locked_after_close_and_unlocked_by_reopening(closed, people):
    city, before = people["city_admin"], campaigns.weights(closed)
    with pytest.raises(locks.SettingsLocked, match="已结束.*计分权重已锁定") as refused:
        campaigns.set_weights(closed, {"quiz": 99.0}, actor_id=city.id)
    assert refused.value.status == 409 and refused.value.keep
    assert campaigns.weights(closed) == before and _audits("campaign.weights_locked") == 1
    assert _audits("campaign.weights") == 0
    closing.reopen(closed, city, "省厅调整计分口径")
    campaigns.set_weights(closed, {"quiz": 99.0}, actor_id=city.id)
    db.session.commit()
    assert campaigns.weights(closed)["quiz"] == 99.0 and _audits("campaign.weights") == 1


def test_ranking_rules_are_locked_after_close_and_unlocked_by_reopening(closed, people):
    city, before = people["city_admin"], _rules(closed.id)
    with pytest.raises(locks.SettingsLocked, match="排名规则已锁定"):
        _update_rules(closed, city)
    assert _rules(closed.id) == before and _audits("ranking.settings_locked") == 1
    closing.reopen(closed, city, "名额调整")
    _update_rules(closed, city)
    db.session.commit()
    assert _rules(closed.id) == ({**before[0], "city_individual": 3}, {"quiz": 0.5})


def test_weights_page_refuses_after_close_and_keeps_only_the_refusal(client, auth, closed):
    auth.login("city_admin")
    before = campaigns.weights(closed)
    form = {f"w_{k}": str(w) for k, w in before.items()}
    r = client.post(f"/campaigns/{closed.id}/weights", data={**form, "w_quiz": "77"})
    assert r.status_code == 409 and "计分权重已锁定" in r.get_data(as_text=True)
    db.session.expire_all()
    assert campaigns.weights(closed) == before
    assert _audits("campaign.weights_locked") == 1 and _audits("campaign.weights") == 0


def test_settings_page_refuses_after_close_and_keeps_only_the_refusal(client, auth, closed):
    auth.login("city_admin")
    before = _rules(closed.id)
    assert "排名规则已锁定" in client.get("/scores/settings").get_data(as_text=True)
    r = client.post("/scores/settings", data=SETTINGS_FORM)
    assert r.status_code == 409 and "排名规则已锁定" in r.get_data(as_text=True)
    db.session.expire_all()
    assert _rules(closed.id) == before
    assert _audits("ranking.settings_locked") == 1 and _audits("ranking.settings") == 0
