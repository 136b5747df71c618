"""Every host GET page renders for the role that may see it (catches template errors)."""

import pytest

PAGES = [
    "/home",
    "/roster",
    "/roster/new",
    "/roster/import",
    "/campaigns/",
    "/scores/mine",
    "/audit/",
    "/account/password",
    "/roster/template.xlsx",
    "/roster/export.xlsx",
]


@pytest.mark.parametrize("path", PAGES)
def test_city_admin_pages_render(client, auth, demo_people, campaign, path):
    auth.login("city_admin")
    r = client.get(path)
    assert r.status_code == 200, r.get_data(as_text=True)[:500]


def test_campaign_pages_render(client, auth, demo_people, campaign):
    auth.login("city_admin")
    for path in (
        f"/campaigns/{campaign.id}",
        f"/campaigns/{campaign.id}/edit",
        f"/campaigns/{campaign.id}/weights",
    ):
        r = client.get(path)
        assert r.status_code == 200, path
    assert "交叉检查" in client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
