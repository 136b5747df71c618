"""Year over year against two seeded campaigns: last year's (the template) and this year's.

梅江 has officers A and B, 梅县 has C. Only quizzes have results, so a composite is the quiz
share × 100: last year A 60, B 40, C 30; this year A 80, B 90, C none.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from lianbing.accounts import services as accounts
from lianbing.accounts.models import User
from lianbing.campaign import nextyear
from lianbing.campaign import services as campaigns
from lianbing.dbtypes import local_to_utc
from lianbing.extensions import db
from lianbing.ledger.services import record
from lianbing.rankings import measures, yoy
from lianbing.rankings.ranking import ranking_for


def _at(campaign):
    return local_to_utc(datetime.combine(campaign.start_date + timedelta(days=5), time(10)))


@pytest.fixture
def seeded(make_user, campaign):
    """(last year's campaign, this year's, {name: officer}); this year's made from last year's."""
    start, end = campaign.start_date, campaign.end_date
    last = campaigns.create_campaign(
        "去年练兵",
        campaign.year - 1,
        start.replace(year=start.year - 1, day=min(start.day, 28)),
        end.replace(year=end.year - 1, day=min(end.day, 28)),
    )
    campaign.template_id = last.id
    people = {
        "A": make_user("officer", "441402", "yoy_a", display_name="甲对比"),
        "B": make_user("officer", "441402", "yoy_b", display_name="乙对比"),
        "C": make_user("officer", "441403", "yoy_c", display_name="丙对比"),
    }
    for c, scores in ((last, {"A": 60, "B": 40, "C": 30}), (campaign, {"A": 80, "B": 90})):
        for who, points in scores.items():
            record(people[who].id, c.id, "quiz", "quiz:1", points, 100, _at(c))
    db.session.commit()
    return last, campaign, people


def _lines(lines) -> dict:
    return {line.label: (line.before, line.now, line.change, line.better) for line in lines}


def test_an_officer_s_figures_beside_last_year(seeded):
    last, now, people = seeded
    a = people["A"].id
    lines = _lines(
        yoy.compare(yoy.officer_figures(last, a), yoy.officer_figures(now, a), yoy.OFFICER_LINES)
    )
    assert lines["综合得分"] == (60.0, 80.0, 20.0, True)
    assert lines["全市排名"] == (1.0, 2.0, 1.0, False)  # B overtook A: a worse rank
    assert lines["本单位排名"] == (1.0, 2.0, 1.0, False)
    assert lines["参加活动（有成绩）"] == (1.0, 1.0, 0.0, None)
    assert lines["测验得分"][:3] == (60.0, 80.0, 20.0)


def test_an_officer_without_results_this_year_keeps_last_year_s(seeded):
    last, now, people = seeded
    c = people["C"].id
    lines = _lines(
        yoy.compare(yoy.officer_figures(last, c), yoy.officer_figures(now, c), yoy.OFFICER_LINES)
    )
    assert lines["综合得分"][:3] == (30.0, 0.0, -30.0) and lines["综合得分"][3] is False


def test_a_bureau_s_figures_beside_last_year(seeded):
    last, now, people = seeded
    mj, mx = people["A"].bureau_id, people["C"].bureau_id
    lines = _lines(
        yoy.compare(yoy.bureau_figures(last, mj), yoy.bureau_figures(now, mj), yoy.BUREAU_LINES)
    )
    assert lines["参与率"][:2] == (100.0, 100.0)
    assert lines["人均综合得分"][:3] == (50.0, 85.0, 35.0)
    assert lines["县级单位排名"][:2] == (1.0, 1.0)
    assert lines["测验得分"][:2] == (50.0, 85.0)  # quiz points per officer
    other = _lines(
        yoy.compare(yoy.bureau_figures(last, mx), yoy.bureau_figures(now, mx), yoy.BUREAU_LINES)
    )
    assert other["参与率"][:3] == (100.0, 0.0, -100.0)
    assert other["县级单位排名"][0] == 2.0


def test_the_chart_puts_last_year_beside_this_year(seeded):
    last, now, people = seeded
    a = people["A"].id
    lines = yoy.compare(
        yoy.officer_figures(last, a), yoy.officer_figures(now, a), yoy.OFFICER_LINES
    )
    bars = yoy.chart(lines, last, now)
    assert [v for _, v in bars] == [60.0, 80.0]
    assert bars[0][0].endswith(str(last.year)) and bars[1][0].endswith(str(now.year))


def test_previous_is_the_template(seeded):
    last, now, _ = seeded
    assert nextyear.previous(now).id == last.id


def _page(client, auth, who, url):
    auth.login(who)
    r = client.get(url)
    auth.logout()
    return r


def test_the_pages_show_the_numbers(client, auth, demo_people, seeded):
    last, now, people = seeded
    a, mj = people["A"], people["A"].bureau_id
    r = _page(client, auth, "city_admin", f"/scores/yoy/officer/{a.id}")
    text = r.get_data(as_text=True)
    assert r.status_code == 200 and "甲对比 · 与上一届对比" in text and "<svg" in text
    assert "60.00" in text and "80.00" in text and "+20.00" in text and "（进步）" in text
    r = _page(client, auth, "admin_441402", f"/scores/yoy/bureau/{mj}")
    text = r.get_data(as_text=True)
    assert r.status_code == 200 and "甲对比" in text and "乙对比" in text and "丙对比" not in text
    assert "参与率" in text and "<svg" in text
    city = _page(client, auth, "city_admin", "/scores/yoy").get_data(as_text=True)
    assert "梅江区" in city and "梅县区" in city and "去年练兵" in city


#: (who, which page) -> status: an officer sees their own, a county admin its bureau and its
#: officers, the city everything
MATRIX = [
    ("officer_441402_1", "own", 200),
    ("officer_441402_1", "A", 403),
    ("officer_441402_1", "bureau", 403),
    ("trainer", "A", 403),
    ("trainer", "bureau", 403),
    ("admin_441402", "A", 200),
    ("admin_441402", "C", 403),
    ("admin_441402", "bureau", 200),
    ("admin_441402", "other_bureau", 403),
    ("admin_441403", "C", 200),
    ("admin_441403", "bureau", 403),
    ("city_admin", "A", 200),
    ("city_admin", "C", 200),
    ("city_admin", "bureau", 200),
    ("city_admin", "other_bureau", 200),
]


@pytest.mark.parametrize("who,target,status", MATRIX)
def test_who_sees_which_comparison(client, auth, demo_people, seeded, who, target, status):
    _, _, people = seeded
    me = db.session.scalar(select(User).where(User.username == who))
    urls = {
        "own": f"/scores/yoy/officer/{me.id}",
        "A": f"/scores/yoy/officer/{people['A'].id}",
        "C": f"/scores/yoy/officer/{people['C'].id}",
        "bureau": f"/scores/yoy/bureau/{people['A'].bureau_id}",
        "other_bureau": f"/scores/yoy/bureau/{people['C'].bureau_id}",
    }
    assert _page(client, auth, who, urls[target]).status_code == status


@pytest.mark.parametrize(
    "who,lands",
    [
        ("officer_441402_1", "/scores/yoy/officer/"),
        ("trainer", "/scores/yoy/officer/"),
        ("admin_441402", "/scores/yoy/bureau/"),
    ],
)
def test_the_year_over_year_link_lands_each_role_on_its_own_page(
    client, auth, demo_people, seeded, who, lands
):
    r = _page(client, auth, who, "/scores/yoy")
    assert r.status_code == 302 and lands in r.headers["Location"]


def test_the_city_chart_pairs_each_county_s_years(seeded):
    last, now, people = seeded
    old = {r.bureau_id: r for r in measures.bureau_ranking(ranking_for(last))}
    new = {r.bureau_id: r for r in measures.bureau_ranking(ranking_for(now))}
    rows = [(b, old.get(b.id), new.get(b.id)) for b in accounts.county_bureaus()]
    bars = dict(yoy.city_chart(rows, last, now))
    assert len(bars) == 2 * len(rows)
    assert bars[f"梅江区 {last.year}"] == old[people["A"].bureau_id].score
    assert bars[f"梅县区 {now.year}"] == new[people["C"].bureau_id].score
    assert bars[f"梅县区 {now.year}"] < bars[f"梅县区 {last.year}"]  # 丙 took no part this year


@pytest.fixture
def not_begun(seeded):
    """Next year's campaign, made from this year's: nothing is due from anyone yet."""
    _, now, people = seeded
    made, _ = nextyear.create_next(now, "明年练兵", actor_id=None)
    db.session.commit()
    return now, made, people


def test_a_campaign_not_begun_has_no_collective_score_to_compare(not_begun):
    now, made, people = not_begun
    rows = measures.bureau_ranking(ranking_for(made))
    # the ranking keeps its rule (no bulletin due counts as on time) but knows nothing was due
    assert {r.score for r in rows} == {20.0} and all(r.nothing_due for r in rows)
    assert not any(r.nothing_due for r in measures.bureau_ranking(ranking_for(now)))
    mj = people["A"].bureau_id
    lines = yoy.compare(yoy.bureau_figures(now, mj), yoy.bureau_figures(made, mj), yoy.BUREAU_LINES)
    score = next(line for line in lines if line.label == "集体得分")
    assert score.before is not None and score.now is None and not score.now_due
    assert score.change is None and score.better is None
    officer = yoy.compare(
        yoy.officer_figures(now, people["A"].id),
        yoy.officer_figures(made, people["A"].id),
        yoy.OFFICER_LINES,
    )
    assert all(line.change is None and not line.now_due for line in officer)
    assert [label for label, _ in yoy.chart(officer, now, made)] == [f"测验 {now.year}"]


def test_the_city_chart_leaves_out_a_campaign_not_begun(not_begun):
    now, made, _ = not_begun
    old = {r.bureau_id: r for r in measures.bureau_ranking(ranking_for(now))}
    new = {r.bureau_id: r for r in measures.bureau_ranking(ranking_for(made))}
    rows = [(b, old.get(b.id), new.get(b.id)) for b in accounts.county_bureaus()]
    labels = [label for label, _ in yoy.city_chart(rows, now, made)]
    assert len(labels) == len(rows) and all(label.endswith(str(now.year)) for label in labels)


def test_the_pages_of_a_campaign_not_begun_read_not_due(client, auth, demo_people, not_begun):
    now, made, people = not_begun
    city = _page(client, auth, "city_admin", f"/scores/yoy?campaign={made.id}")
    table = city.get_data(as_text=True).split('id="yoy-bureaus"')[1].split("</table>")[0]
    assert city.status_code == 200 and "未到期" in table and "20.00" not in table
    mj = people["A"].bureau_id
    page = _page(client, auth, "admin_441402", f"/scores/yoy/bureau/{mj}?campaign={made.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "未到期" in text and "（进步）" not in text
    assert "（退步）" not in text
