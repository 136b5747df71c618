"""The compact ranking: missed activities per audience, pickling, selections, export, pager."""

from __future__ import annotations

import io
import pickle
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from lianbing.campaign import services as campaigns
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.ledger import expected
from lianbing.rankings import exporters, ranking, rules
from lianbing.rankings.ranking import ranking_for
from lianbing.rankings.views import _page_window


def only(campaign, weights):
    campaigns.set_weights(campaign, {k: weights.get(k, 0.0) for k in campaigns.weights(campaign)})
    db.session.commit()


def test_missed_activity_listed_by_bureau_and_user_and_done_by_some(people, campaign, rec):
    only(campaign, {"quiz": 1})
    a, b, other, trainer = (
        people["officer_441402_1"],
        people["officer_441402_2"],
        people["officer_441403_1"],
        people["trainer"],
    )
    rec(a, "quiz", "q1", 90)
    rec(b, "quiz", "q1", 90)
    rec(b, "quiz", "q9", 50)  # b did the bureau's activity: its own row counts, nothing added
    rec(trainer, "quiz", "q1", 80)
    closed = utcnow() - timedelta(hours=1)
    expected.declare(
        campaign.id,
        expected.ExpectedData("quiz", "q9", "专项", 100, closed, "bureaus", (a.bureau_id,)),
    )
    expected.declare(
        campaign.id,
        expected.ExpectedData("quiz", "t1", "点名", 100, closed, "users", (trainer.id,)),
    )
    expected.declare(campaign.id, expected.ExpectedData("quiz", "all1", "全员", 100, closed))
    db.session.commit()
    ranking = ranking_for(campaign)
    assert ranking.row_of(a.id).available["quiz"] == 300  # q1 + missed q9 + missed all1
    assert ranking.row_of(b.id).available["quiz"] == 300  # q1 + q9 done + missed all1
    assert ranking.row_of(other.id).available["quiz"] == 100  # only all1, missed
    assert (
        ranking.row_of(trainer.id).available["quiz"] == 200
    )  # q1 + missed t1; "all" means officers
    assert ranking.row_of(b.id).share("quiz") == pytest.approx(140 / 300)


def test_officer_who_did_an_all_activity_is_not_charged_for_it(people, campaign, rec):
    only(campaign, {"quiz": 1})
    a, b = people["officer_441402_1"], people["officer_441402_2"]
    rec(a, "quiz", "all1", 60)
    expected.declare(
        campaign.id,
        expected.ExpectedData("quiz", "all1", "全员", 100, utcnow() - timedelta(hours=1)),
    )
    db.session.commit()
    ranking = ranking_for(campaign)
    assert ranking.row_of(a.id).available["quiz"] == 100
    assert ranking.row_of(b.id).available["quiz"] == 100 and ranking.row_of(b.id).share("quiz") == 0


def test_ranking_survives_pickling_for_a_shared_cache(people, campaign, rec):
    rec(people["officer_441402_1"], "quiz", "q1", 90)
    rec(people["officer_441403_1"], "record_exercise", "r1", 20, 30)
    ranking = ranking_for(campaign)
    copy = pickle.loads(pickle.dumps(ranking))
    assert (
        copy.rows == ranking.rows
        and copy.kinds == ranking.kinds
        and copy.version == ranking.version
    )
    assert copy.by_user == ranking.by_user


def test_selection_filters_and_orders_like_a_list(people, campaign, rec):
    a, b = people["officer_441402_1"], people["officer_441402_2"]
    rec(a, "quiz", "q1", 90)
    rec(b, "quiz", "q1", 40)
    rec(b, "study", "s1", 10, 10)
    ranking = ranking_for(campaign)
    mine = ranking.select(bureau_id=a.bureau_id)
    assert [r.user_id for r in mine] == [
        r.user_id for r in ranking.rows if r.bureau_id == a.bureau_id
    ]
    assert mine[0:2] == list(mine)[0:2] and len(mine) == ranking.count(a.bureau_id)
    by_quiz = ranking.select(bureau_id=a.bureau_id, kind="quiz")
    assert [r.user_id for r in by_quiz[:2]] == [a.id, b.id]
    assert ranking.select(bureau_id=a.bureau_id, kind="quiz") is by_quiz  # kept for the next page


def test_full_export_matches_the_ranking(people, campaign, rec):
    only(campaign, {"quiz": 1, "record_exercise": 1})
    rec(people["officer_441402_1"], "quiz", "q1", 90)
    rec(people["officer_441403_1"], "record_exercise", "r1", 20, 30)
    ranking = ranking_for(campaign)
    sheet = load_workbook(io.BytesIO(exporters.ranking_xlsx(ranking)))["综合排名"]
    values = list(sheet.values)
    assert (
        values[0][:5] == ("市排名", "单位排名", "姓名", "单位", "综合得分")
        and len(values) == len(ranking) + 1
    )
    for row, line in zip(ranking.rows, values[1:]):
        assert line[:5] == (
            row.city_rank,
            row.bureau_rank,
            row.name,
            row.bureau,
            round(row.composite, 2),
        )
        assert list(line[5:7]) == [round(100 * row.share(k), 1) for k in ranking.kinds]


def test_a_ranking_read_a_few_user_ids_at_a_time_is_the_same(people, campaign, rec, monkeypatch):
    """A large roster is read in ranges of user ids; the ranking is the one read at once,
    missed activities, eligibility and ranks within the scope included."""
    for n, name in enumerate(sorted(people)):
        if name.startswith("officer_"):
            rec(people[name], "quiz", "q1", 40 + n, minutes=n)
            rec(people[name], "record_exercise", "r1", n % 30, 30)
    rec(people["trainer"], "study", "s1", 5, 10)
    expected.declare(
        campaign.id,
        expected.ExpectedData("quiz", "all1", "全员", 100, utcnow() - timedelta(hours=1)),
    )
    rules.update(
        campaign.id,
        deadline=None,
        quotas=rules.DEFAULT_QUOTAS,
        eligibility={"record_exercise": 0.5},
        measure_weights={},
        actor_id=None,
    )
    db.session.commit()
    city = people["officer_441402_1"].bureau.path
    built = {}
    for span in (10**9, 3):
        monkeypatch.setattr(ranking, "PEOPLE_AT_ONCE", span)
        built[span] = []
        for scope in (None, city):
            ranking.clear_local()  # built afresh, not taken from this process's last few
            built[span].append(ranking_for(campaign, scope=scope))
    assert len(ranking._id_spans(None)) > 10 and len(ranking._id_spans(city)) > 1
    for whole, spans in zip(built[10**9], built[3]):
        assert len(whole) >= 5 and whole.data == spans.data and whole.kinds == spans.kinds
    assert any(r.reasons for r in built[3][0].rows) and not all(r.reasons for r in built[3][0].rows)


def test_a_ledger_write_between_two_ranges_is_in_neither(people, campaign, rec, monkeypatch):
    """The ranges of one build are read on one snapshot: a line recorded (and committed by
    another connection) after the first range was read is missing from the later ranges too,
    and the next build has it."""
    officers = sorted(
        (u for n, u in people.items() if n.startswith("officer_")), key=lambda u: u.id
    )
    for user in officers:
        rec(user, "quiz", "q1", 40)
    last = officers[-1]
    only(campaign, {"quiz": 1})
    monkeypatch.setattr(ranking, "PEOPLE_AT_ONCE", 3)
    read = ranking._span
    spans_read = []

    def write_after_the_first_range(*args):
        if len(spans_read) == 1:
            rec(last, "quiz", "q2", 60)  # commits on the request's own connection
        spans_read.append(args[-1])
        return read(*args)

    monkeypatch.setattr(ranking, "_span", write_after_the_first_range)
    ranking.clear_local()
    during = ranking_for(campaign)
    assert len(spans_read) > 2 and last.id > spans_read[0][1]
    assert during.row_of(last.id).available["quiz"] == 100
    monkeypatch.setattr(ranking, "_span", read)
    ranking.clear_local()
    assert ranking_for(campaign).row_of(last.id).available["quiz"] == 200


@pytest.mark.parametrize(
    ("page", "pages", "expected_window"),
    [
        (1, 1, [1]),
        (1, 5, [1, 2, 3, 4, 5]),
        (1, 100, [1, 2, 3, 4, 0, 100]),
        (50, 100, [1, 0, 47, 48, 49, 50, 51, 52, 53, 0, 100]),
        (100, 100, [1, 0, 97, 98, 99, 100]),
        (5, 9, [1, 2, 3, 4, 5, 6, 7, 8, 9]),
    ],
)
def test_page_window(page, pages, expected_window):
    assert _page_window(page, pages) == expected_window
