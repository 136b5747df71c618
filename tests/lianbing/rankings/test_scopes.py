"""Pages ask for their scope's ranking, not the whole campaign's (decisions 0021 and 0028): the
officers' board, the bureau ranking, charts, the API, nominations and closing. In a city
deployment (the demo) every number is the whole ranking's, as before; with several cities each
officer is ranked within their city and each admin compares the counties under its bureau."""

from __future__ import annotations

import pytest

from lianbing.api import tokens
from lianbing.extensions import db
from lianbing.rankings import board as boards
from lianbing.rankings import charts, closing, measures, nominations
from lianbing.rankings.ranking import ranking_for, ranking_of, viewer_ranking

PASSWORD = "x" * 12
COUNTIES = ("441402", "441403", "440303", "430102")


@pytest.fixture
def national(tree, tree_user, campaign, rec):
    """An officer per county, better the earlier its county comes; a quiz only in 430102 (so
    that officer leads the whole campaign); admins of 441400 ("mz"), 440000 ("gd") and the
    deployment ("top")."""
    people = {}
    for i, code in enumerate(COUNTIES):
        people[code] = tree_user(f"o{code}", "officer", tree[code])
        rec(people[code], "record_exercise", "r", 30 - 5 * i, 30)
    rec(people["430102"], "quiz", "q", 100)
    people["mz"] = tree_user("mz_admin", "bureau_admin", tree["mz"])
    people["gd"] = tree_user("gd_admin", "bureau_admin", tree["gd"])
    people["top"] = tree_user("top_admin", "city_admin", tree["gd"])
    return people


def _names(rows) -> list[str]:
    return [r.name for r in rows]


def test_the_bureau_ranking_and_charts_compare_the_counties_of_the_viewers_scope(
    campaign, tree, national
):
    mz = viewer_ranking(campaign, national["mz"])
    assert mz.scope == tree["mz"].path and len(mz) == 2
    assert _names(measures.bureau_ranking(mz)) == ["单位441402", "单位441403"]
    assert [label for label, _ in charts.bureau_comparison(mz)] == ["单位441402", "单位441403"]
    gd = viewer_ranking(campaign, national["gd"])
    assert _names(measures.bureau_ranking(gd)) == ["单位441402", "单位441403", "单位440303"]
    top = viewer_ranking(campaign, national["top"])
    assert top.scope is None and len(measures.bureau_ranking(top)) == 4


def test_the_bureau_ranking_page_of_a_city_admin_lists_its_counties_only(
    client, auth, campaign, national
):
    auth.login("mz_admin", PASSWORD)
    text = client.get("/scores/bureaus").get_data(as_text=True)
    assert "单位441402" in text and "单位441403" in text
    assert "单位440303" not in text and "单位430102" not in text


def test_an_officers_board_ranks_within_the_city(client, auth, campaign, national):
    sz = national["440303"]
    board = boards.board(ranking_of(campaign, sz.bureau), sz)
    assert [p.name for p in board.city_top] == ["o440303"] and board.city.rank == 1
    assert ranking_for(campaign).row_of(sz.id).city_rank == 4  # the whole campaign's place
    auth.login("o441403", PASSWORD)
    text = client.get("/scores/board").get_data(as_text=True)
    assert "o441402" in text and "o440303" not in text and "o430102" not in text


def test_the_api_ranks_an_officer_within_the_city(client, campaign, national, tree):
    row, raw = tokens.issue("省平台", None, national["top"])
    db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    sz = national["440303"]
    base = f"/api/v1/campaigns/{campaign.id}"
    assert client.get(f"{base}/officers/{sz.id}", headers=headers).get_json()["city_rank"] == 1
    items = client.get(f"{base}/bureaus/{tree['441403'].id}/rankings", headers=headers)
    assert [(i["name"], i["city_rank"]) for i in items.get_json()["items"]] == [("o441403", 2)]
    whole = client.get(f"{base}/rankings", headers=headers).get_json()["items"]
    assert [i["name"] for i in whole] == ["o430102", "o441402", "o441403", "o440303"]


def test_closing_keeps_each_officers_rank_within_its_city(campaign, national):
    whole = ranking_for(campaign)
    live = closing.snapshot_of(campaign, national["440303"].id)
    version, snapshot = closing.final_snapshot(campaign)
    assert live["city_rank"] == 1 and version == whole.version
    ranks = {
        code: snapshot[str(national[code].id)]["city_rank"] for code in national if code[0] == "4"
    }
    assert ranks == {"441402": 1, "441403": 2, "440303": 1, "430102": 1}
    for code in ("441402", "441403", "440303", "430102"):
        user_id = national[code].id
        assert snapshot[str(user_id)]["composite"] == round(whole.row_of(user_id).composite, 2)


def test_a_collective_is_measured_within_its_city(campaign, national, tree):
    found = nominations.collective_measures(campaign.id, tree["440303"].id)
    assert {"label": "集体排名", "value": 1} in found


# --- a city deployment: the numbers the pages showed before ---------------------------------


@pytest.fixture
def demo_results(people, rec):
    for i, name in enumerate(("officer_441402_1", "officer_441402_2", "officer_441403_1")):
        rec(people[name], "quiz", "q", 90 - 10 * i)
        rec(people[name], "record_exercise", "r", 20 + i, 30)
    return people


@pytest.mark.parametrize("viewer", ["city_admin", "admin_441402", "admin_441403"])
def test_a_city_deployment_compares_over_the_whole_campaign(campaign, demo_results, viewer):
    whole, mine = ranking_for(campaign), viewer_ranking(campaign, demo_results[viewer])
    assert mine.scope is None
    assert measures.bureau_ranking(mine) == measures.bureau_ranking(whole)
    assert charts.bureau_comparison(mine) == charts.bureau_comparison(whole)
    assert len(measures.bureau_ranking(whole)) == 8


def test_a_city_deployment_shows_the_board_api_and_closing_numbers_as_before(
    client, campaign, demo_results
):
    whole = ranking_for(campaign)
    officer = demo_results["officer_441403_1"]
    assert boards.board(ranking_of(campaign, officer.bureau), officer) == boards.board(
        whole, officer
    )
    assert closing.snapshot_of(campaign, officer.id) == closing.row_snapshot(
        whole.row_of(officer.id), whole.version
    )
    expected = {str(r.user_id): closing.row_snapshot(r, whole.version) for r in whole.rows}
    assert closing.final_snapshot(campaign) == (whole.version, expected)
    row, raw = tokens.issue("省平台", None, demo_results["city_admin"])
    db.session.commit()
    got = client.get(
        f"/api/v1/campaigns/{campaign.id}/officers/{officer.id}",
        headers={"Authorization": f"Bearer {raw}"},
    ).get_json()
    assert (got["city_rank"], got["bureau_rank"]) == (3, 1)
    assert got["city_rank"] == whole.row_of(officer.id).city_rank
