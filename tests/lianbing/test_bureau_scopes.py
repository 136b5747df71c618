"""Paperwork pages on a deployment of more than one city (decision 0028): an admin reads and
compares the bureaus under its own, a province's admin its cities and counties, never another
province's; a city's admin never a sibling city's; only a bureau's own admin writes its paperwork.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from lianbing.campaign import schedule
from lianbing.campaign.bulletins import services as bulletins
from lianbing.campaign.drills import services as drills
from lianbing.campaign.drills.models import SELF_INSPECTION
from lianbing.campaign.evaluation import services as evaluation
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.rankings import nominations, rules

COUNTIES = ("441402", "441403", "440303", "430102")
PASSWORD = "x" * 12


@pytest.fixture
def paperwork(tree, tree_user, campaign, rec):
    """In every county: an officer with a result, its admin, a submitted bulletin, a saved
    summary, a nomination and a self-inspection team; the admins above: gd, mz, hn."""
    month = schedule.bulletin_months(schedule.settings_for(campaign))[0]
    rules.settings_for(campaign.id, create=True).nomination_deadline = utcnow() + timedelta(30)
    round_ = drills.create_round(
        campaign, SELF_INSPECTION, "自查", campaign.start_date, campaign.start_date + timedelta(30)
    )
    out = {}
    for code in COUNTIES:
        county = tree[code]
        officer = tree_user(f"o{code}", "officer", county)
        admin = tree_user(f"a{code}", "bureau_admin", county)
        rec(officer, "record_exercise", "r", 20, 30)
        data = bulletins.BulletinData(f"简报{code}", "正文")
        bulletin = bulletins.save_draft(campaign, county.id, month, data, author_id=admin.id)
        bulletins.submit(bulletin, campaign, actor_id=admin.id)
        evaluation.save_report(campaign, county.id, f"总结{code}", [], actor_id=admin.id)
        nominations.nominate(campaign, officer.id, "事迹", admin)
        drills.create_team(round_, f"组{code}", county.id, county.id, [officer.id])
        db.session.commit()
        out[code] = bulletin
    for key in ("gd", "mz", "hn"):
        tree_user(f"{key}_admin", "bureau_admin", tree[key])
    return out


def _pages(client, auth, username: str, campaign) -> str:
    """The bulletin board, the evaluation overview, the nominations and the drills, as one text."""
    auth.login(username, PASSWORD)
    urls = (
        f"/bulletins/{campaign.id}/board",
        f"/evaluation/{campaign.id}",
        "/scores/nominations",
        f"/drills/{campaign.id}",
    )
    texts = []
    for url in urls:
        page = client.get(url)
        assert page.status_code == 200, url
        texts.append(page.get_data(as_text=True))
    auth.logout()
    return "\n".join(texts)


def _shown(text: str) -> set[str]:
    """The counties whose bulletin, summary row, nominee and team all appear in the text."""
    return {
        code
        for code in COUNTIES
        if all(s in text for s in (f"单位{code}", f"o{code}", f"组{code}"))
    }


def _named(text: str) -> set[str]:
    """The counties named anywhere in the text (by bureau, nominee or team)."""
    return {
        code
        for code in COUNTIES
        if any(s in text for s in (f"单位{code}", f"o{code}", f"组{code}"))
    }


def test_a_province_admin_reads_its_cities_and_never_another_province(
    client, auth, campaign, paperwork
):
    text = _pages(client, auth, "gd_admin", campaign)
    assert _shown(text) == {"441402", "441403", "440303"}
    assert "430102" not in _named(text)
    text = _pages(client, auth, "hn_admin", campaign)
    assert _shown(text) == _named(text) == {"430102"}


def test_a_city_admin_never_sees_a_sibling_city(client, auth, campaign, paperwork):
    text = _pages(client, auth, "mz_admin", campaign)
    assert _shown(text) == _named(text) == {"441402", "441403"}


def test_a_county_admin_sees_its_own_county_only(client, auth, campaign, paperwork):
    text = _pages(client, auth, "a441403", campaign)
    assert _named(text) == {"441403"}


def test_the_city_admin_of_the_deployment_sees_every_county(
    client, auth, campaign, paperwork, tree, tree_user
):
    tree_user("top_admin", "city_admin", tree["gd"])
    assert _shown(_pages(client, auth, "top_admin", campaign)) == set(COUNTIES)


def test_a_province_admin_reads_a_county_paperwork_but_does_not_write_it(
    client, auth, campaign, paperwork, tree
):
    bulletin, county = paperwork["441402"], tree["441402"]
    month = bulletin.period
    edit = f"/bulletins/{campaign.id}/{county.id}/{month.year}/{month.month}"
    report = f"/evaluation/{campaign.id}/report/{county.id}"
    auth.login("gd_admin", PASSWORD)
    assert client.get(f"/bulletins/b/{bulletin.id}").status_code == 200
    assert "修改" not in client.get(f"/bulletins/b/{bulletin.id}").get_data(as_text=True)
    assert client.get(edit).status_code == 403
    assert client.post(f"/bulletins/b/{bulletin.id}/submit").status_code == 403
    page = client.get(report).get_data(as_text=True)
    assert "总结441402" in page and "提交总结和自评" not in page
    assert client.post(report, data={"body": "省厅改写"}).status_code == 403
    assert client.post(f"{report}/submit").status_code == 403
    assert client.get(f"/bulletins/b/{paperwork['430102'].id}").status_code == 403
    assert client.get(f"/evaluation/{campaign.id}/report/{tree['430102'].id}").status_code == 403
    auth.logout()
    db.session.expire_all()
    assert evaluation.report_for(campaign.id, county.id).body == "总结441402"
    auth.login("a441402", PASSWORD)
    assert client.get(edit).status_code == 200


def test_a_province_admin_lands_on_the_comparison_a_county_admin_on_its_report(
    client, auth, campaign, paperwork, tree
):
    auth.login("gd_admin", PASSWORD)
    assert client.get("/evaluation/").headers["Location"].endswith(f"/evaluation/{campaign.id}")
    auth.logout()
    auth.login("a441402", PASSWORD)
    location = client.get("/evaluation/").headers["Location"]
    assert location.endswith(f"/report/{tree['441402'].id}")
