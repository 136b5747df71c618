"""Summary reports over HTTP: the county's self-scores and the city's review."""

from __future__ import annotations

from lianbing.campaign.evaluation import services as evaluation


def test_county_self_scores_and_city_reviews(client, auth, ops_demo, bureau):
    items = evaluation.items(ops_demo.id)
    bid = bureau("441422").id
    url = f"/evaluation/{ops_demo.id}/report/{bid}"
    auth.login("admin_441422")
    bad = {"body": "总结", **{f"self_{i.id}": "5" for i in items}, f"self_{items[0].id}": "99"}
    r = client.post(url, data=bad)
    assert r.status_code == 400 and "分数须在 0 到 20" in r.get_data(as_text=True)
    good = {
        "body": "总结",
        **{f"self_{i.id}": "10" for i in items},
        f"evidence_{items[0].id}": "实施方案",
    }
    assert client.post(url, data=good).status_code == 302
    r = client.post(url + "/submit", follow_redirects=True)
    assert "逾期" in r.get_data(as_text=True)
    auth.login("admin_441402")
    assert client.get(url).status_code == 403
    auth.login("city_admin")
    r = client.post(
        url + "/review", data={**{f"city_{i.id}": "8" for i in items}, "comment": "尚可"}
    )
    assert r.status_code == 302
    assert evaluation.totals(evaluation.report_for(ops_demo.id, bid)) == (40, 32)
