"""The city's 以此为模板创建新一年活动 page: a preview, a confirmation, one copy only (409 with
a Chinese message the second time), and the template's pages saying it is read-only."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lianbing.campaign.models import Campaign
from lianbing.extensions import db


def _campaigns() -> int:
    return db.session.scalar(select(func.count(Campaign.id)))


@pytest.mark.parametrize("who", ["officer_441402_1", "trainer", "admin_441402"])
def test_only_the_city_creates_next_year(client, auth, people, campaign, who):
    auth.login(who)
    url = f"/campaigns/{campaign.id}/next-year"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"name": "下一年", "confirm": "y"}).status_code == 403
    assert _campaigns() == 1


def test_the_page_previews_the_dates_and_needs_the_confirmation(client, auth, people, campaign):
    auth.login("city_admin")
    url = f"/campaigns/{campaign.id}/next-year"
    page = client.get(url).get_data(as_text=True)
    first = campaign.stages[0]
    assert "以此为模板创建新一年活动" in page and str(first.start_date) in page
    assert str(first.start_date.replace(year=first.start_date.year + 1)) in page
    r = client.post(url, data={"name": "下一年"})
    assert r.status_code == 400 and "请勾选确认后再创建" in r.get_data(as_text=True)
    assert _campaigns() == 1


def test_the_city_creates_it_once_and_the_template_says_it_is_read_only(
    app, client, auth, people, campaign
):
    auth.login("city_admin")
    url = f"/campaigns/{campaign.id}/next-year"
    r = client.post(url, data={"name": "下一年练兵", "confirm": "y"})
    made = db.session.scalar(select(Campaign).where(Campaign.name == "下一年练兵"))
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/campaigns/{made.id}")
    assert made.template_id == campaign.id
    for again in (client.get(url), client.post(url, data={"name": "再来", "confirm": "y"})):
        text = again.get_data(as_text=True)
        assert again.status_code == 409 and "不能重复创建" in text
    assert _campaigns() == 2
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "往届活动" in page and "只读" in page and "编辑权重" not in page
    assert "以此为模板创建新一年活动" not in page
    weights = {f"w_{k}": "5" for k in app.extensions["lianbing"].kinds}
    r = client.post(f"/campaigns/{campaign.id}/weights", data=weights)
    assert r.status_code == 409 and "往届活动" in r.get_data(as_text=True)
    new_page = client.get(f"/campaigns/{made.id}").get_data(as_text=True)
    assert "与上一届对比" in new_page and "只读" not in new_page
