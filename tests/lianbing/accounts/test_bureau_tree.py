"""The bureau tree (province → city → county): paths, admins' scope, rankings by scope."""

from __future__ import annotations

import pytest

from lianbing.accounts import services as accounts
from lianbing.auth import can_manage_bureau
from lianbing.extensions import db
from lianbing.rankings.ranking import ranking_for


def test_paths_follow_the_tree(tree):
    g, mz, county = tree["gd"], tree["mz"], tree["441402"]
    assert g.path == f"/{g.id}/"
    assert county.path == f"/{g.id}/{mz.id}/{county.id}/"
    assert county.is_under(g) and county.is_under(mz) and not county.is_under(tree["hn"])
    ids = {tree[k].id for k in ("gd", "mz", "sz", "441402", "441403", "440303")}
    assert g.subtree_ids() == ids
    assert county.subtree_ids() == {county.id}


def test_a_moved_city_takes_its_counties_along(tree):
    sz, hn = tree["sz"], tree["hn"]
    sz.parent_id = hn.id
    db.session.commit()
    db.session.expire_all()
    assert tree["440303"].path == f"/{hn.id}/{sz.id}/{tree['440303'].id}/"
    assert tree["440303"].id in hn.subtree_ids()
    assert tree["440303"].id not in tree["gd"].subtree_ids()


def test_a_province_admin_manages_its_cities_and_counties_only(tree, tree_user):
    province = tree_user("gd_admin", "bureau_admin", tree["gd"])
    city = tree_user("mz_admin", "bureau_admin", tree["mz"])
    county = tree_user("c_admin", "bureau_admin", tree["441402"])
    officer = tree_user("gd_officer", "officer", tree["gd"])
    assert all(can_manage_bureau(province, tree[k].id) for k in ("gd", "mz", "441403"))
    assert not can_manage_bureau(province, tree["cs"].id)
    assert can_manage_bureau(city, tree["441403"].id)
    assert not can_manage_bureau(city, tree["gd"].id) and not can_manage_bureau(city, tree["sz"].id)
    assert can_manage_bureau(county, tree["441402"].id)
    assert not can_manage_bureau(county, tree["441403"].id)
    assert not can_manage_bureau(officer, tree["gd"].id)


def test_a_city_deployment_ranks_the_whole_city(app, demo_people):
    city = accounts.city_bureau()
    assert city.path == f"/{city.id}/"
    assert accounts.ranking_scope(city) == (None, "全市")
    assert accounts.ranking_scope(city.children[0]) == (None, "全市")
    assert accounts.ranking_scope(None) == (None, "全市")


def test_rankings_are_scoped_to_the_city_or_the_province(tree):
    assert accounts.ranking_scope(tree["441402"]) == (tree["mz"].path, "全市")
    assert accounts.ranking_scope(tree["mz"]) == (tree["mz"].path, "全市")
    assert accounts.ranking_scope(tree["gd"]) == (tree["gd"].path, "全省")
    assert accounts.ranking_scope(None) == (None, "全国")


@pytest.fixture
def scored(tree, tree_user, campaign, rec):
    """One officer per county, better the earlier the county comes; a quiz only in 长沙."""
    people = {}
    for i, code in enumerate(("441402", "441403", "440303", "430102")):
        people[code] = tree_user(f"o{code}", "officer", tree[code])
        rec(people[code], "record_exercise", "r", 30 - 5 * i, 30)
    rec(people["430102"], "quiz", "q", 100)
    return people


def test_a_city_ranking_holds_the_city_and_ranks_within_it(tree, campaign, scored):
    city = ranking_for(campaign, scope=tree["mz"].path)
    country = ranking_for(campaign)
    assert [r.user_id for r in city.rows] == [scored["441402"].id, scored["441403"].id]
    assert [r.city_rank for r in city.rows] == [1, 2]
    third = country.row_of(scored["440303"].id)
    province = ranking_for(campaign, scope=tree["gd"].path)
    assert province.row_of(scored["440303"].id).city_rank == 3
    # the quiz counts in the composite everywhere, though nobody in 广东 took it
    assert province.kinds == country.kinds == ["quiz", "record_exercise"]
    assert province.row_of(third.user_id).composite == third.composite


def test_a_province_admin_sees_its_officers_ranked_within_the_province(
    tree, tree_user, campaign, scored, client, auth
):
    tree_user("gd_admin", "bureau_admin", tree["gd"])
    auth.login("gd_admin", "x" * 12)
    page = client.get(f"/scores/rankings/bureau/{tree['gd'].id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "全省" in text
    assert all(f"o{code}" in text for code in ("441402", "441403", "440303"))
    assert "o430102" not in text
    assert client.get(f"/scores/rankings/bureau/{tree['441403'].id}").status_code == 200
    assert client.get(f"/scores/rankings/bureau/{tree['cs'].id}").status_code == 403
    assert client.get("/scores/rankings").status_code == 302
