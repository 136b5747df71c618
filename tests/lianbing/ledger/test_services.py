"""The score ledger: upsert, refusals, named DB constraints, audit rows, the signal, the version
and the per-kind sums."""

import random
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lianbing import signals
from lianbing.audit.models import AuditLog
from lianbing.extensions import db
from lianbing.ledger import services as ledger
from lianbing.ledger import totals, versions
from lianbing.ledger.models import ScoreEntry
from lianbing.rankings.ranking import ranking_for

#: ten days ago, inside the campaign fixture (which spans today)
AT = (datetime.now(timezone.utc) - timedelta(days=10)).replace(
    hour=2, minute=30, second=0, microsecond=0
)


@pytest.fixture
def officer(make_user):
    return make_user("officer", bureau_code="441403")


def _audit(action=None) -> list[AuditLog]:
    stmt = select(AuditLog).where(AuditLog.target_type == "score_entry").order_by(AuditLog.id)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    return list(db.session.scalars(stmt))


def test_record_inserts_then_updates_one_row(officer, campaign, make_user):
    judge = make_user("trainer", bureau_code="441400")
    ledger.record(
        officer.id,
        campaign.id,
        "award",
        "drill:1",
        6,
        10,
        AT,
        {"note": "现场检查"},
        title="现场检查",
    )
    ledger.record(
        officer.id, campaign.id, "award", "drill:1", 8, 10, AT, actor_id=judge.id, reason="复核加分"
    )
    db.session.commit()
    rows = list(db.session.scalars(select(ScoreEntry)))
    assert len(rows) == 1 and rows[0].points == 8 and rows[0].title == "现场检查"
    insert, update = _audit()
    assert (insert.action, insert.old, insert.new["points"]) == ("score.insert", None, 6.0)
    assert (update.action, update.old["points"], update.new["points"]) == ("score.update", 6.0, 8.0)
    assert (update.actor_id, update.reason, update.bureau_id) == (
        judge.id,
        "复核加分",
        officer.bureau_id,
    )


def test_same_score_again_writes_no_audit_row(officer, campaign):
    for _ in range(3):
        ledger.record(officer.id, campaign.id, "award", "drill:1", 6, 10, AT)
    db.session.commit()
    assert len(_audit()) == 1


def test_different_refs_are_different_rows(officer, campaign):
    ledger.record(officer.id, campaign.id, "award", "drill:1", 6, 10, AT)
    ledger.record(officer.id, campaign.id, "award", "drill:2", 7, 10, AT)
    db.session.commit()
    assert [e.ref for e in ledger.entries_for(officer.id, campaign.id)] == ["drill:2", "drill:1"]
    assert len(_audit("score.insert")) == 2


@pytest.mark.parametrize(
    "kind, points, max_points, message",
    [
        ("no_such_kind", 1, 10, "未知的活动类型"),
        ("award", 11, 10, "不在 0 到 10"),
        ("award", -1, 10, "不在 0 到 10"),
        ("award", 0, 0, "满分必须大于 0"),
    ],
)
def test_service_refuses_bad_scores(officer, campaign, kind, points, max_points, message):
    with pytest.raises(ledger.ScoreError, match=message):
        ledger.record(officer.id, campaign.id, kind, "x:1", points, max_points, AT)
    assert db.session.scalar(select(func.count()).select_from(ScoreEntry)) == 0
    assert _audit() == []


@pytest.mark.parametrize(
    "points, max_points, constraint",
    [
        (11, 10, "ck_score_entries_points_in_range"),
        (-1, 10, "ck_score_entries_points_in_range"),
        (0, 0, "ck_score_entries_max_points_positive"),
    ],
)
def test_database_constraints_refuse_what_bypasses_the_service(
    officer, campaign, points, max_points, constraint
):
    db.session.add(
        ScoreEntry(
            campaign_id=campaign.id,
            user_id=officer.id,
            kind="award",
            ref="raw:1",
            points=points,
            max_points=max_points,
            achieved_at=AT,
            detail={},
        )
    )
    with pytest.raises(IntegrityError) as info:
        db.session.flush()
    db.session.rollback()
    assert constraint in str(info.value)


def test_database_refuses_a_second_row_for_the_same_key(officer, campaign):
    ledger.record(officer.id, campaign.id, "award", "drill:1", 6, 10, AT)
    db.session.commit()
    db.session.add(
        ScoreEntry(
            campaign_id=campaign.id,
            user_id=officer.id,
            kind="award",
            ref="drill:1",
            points=1,
            max_points=10,
            achieved_at=AT,
            detail={},
        )
    )
    with pytest.raises(IntegrityError) as info:
        db.session.flush()
    db.session.rollback()
    assert "uq_score_entries_key" in str(info.value) or "UNIQUE" in str(info.value)


def test_score_recorded_signal(officer, campaign):
    received = []

    def receiver(sender, **kw):
        received.append((sender, kw))

    with signals.score_recorded.connected_to(receiver):
        ledger.record(officer.id, campaign.id, "award", "drill:1", 6, 10, AT)
        ledger.record(
            officer.id, campaign.id, "award", "drill:1", 6, 10, AT
        )  # unchanged: no signal
        ledger.record(officer.id, campaign.id, "award", "drill:1", 9, 10, AT)
    assert received == [
        (
            "award",
            {
                "campaign_id": campaign.id,
                "user_id": officer.id,
                "ref": "drill:1",
                "points": 6.0,
                "max_points": 10.0,
            },
        ),
        (
            "award",
            {
                "campaign_id": campaign.id,
                "user_id": officer.id,
                "ref": "drill:1",
                "points": 9.0,
                "max_points": 10.0,
            },
        ),
    ]


def test_entries_for_limit_keeps_the_newest(app, make_user, campaign):
    """The home page asks for the five newest rows; the limit happens in SQL, in the same order."""
    officer = make_user("officer")
    base = AT - timedelta(days=7)
    for day in range(7):
        ledger.record(
            officer.id, campaign.id, "award", f"drill:{day}", 1, 10, base + timedelta(days=day)
        )
    db.session.commit()
    assert [e.ref for e in ledger.entries_for(officer.id, campaign.id, limit=5)] == [
        "drill:6",
        "drill:5",
        "drill:4",
        "drill:3",
        "drill:2",
    ]
    assert len(ledger.entries_for(officer.id, campaign.id)) == 7


# --- the ledger version and the per-kind sums --------------------------------------------


def test_roster_change_bumps_the_version(people, campaign, rec, make_user):
    rec(people["officer_441402_1"], "quiz", "q1", 50)
    version = versions.current(campaign.id)
    newcomer = make_user("officer", "441403", username="newcomer")
    assert versions.current(campaign.id) == version + 1
    assert ranking_for(campaign).row_of(newcomer.id) is not None


def test_totals_follow_every_record_including_regrades(
    people, campaign, rec, ledger_sums, total_sums
):
    rng = random.Random(3)
    officers = [people[f"officer_4414{c}_{n}"] for c in ("02", "03") for n in (1, 2)]
    for _ in range(60):
        rec(
            rng.choice(officers),
            rng.choice(["quiz", "study", "record_exercise"]),
            f"x{rng.randint(1, 4)}",
            rng.randint(0, 30),
            30,
            minutes=rng.randint(0, 500),
        )
    assert total_sums(campaign.id) == ledger_sums(campaign.id) != {}
    before = total_sums(campaign.id)
    totals.rebuild(campaign.id)
    assert total_sums(campaign.id) == before
