"""The city admin's token pages through the test client."""

from __future__ import annotations

import re

import pytest

USERS = {
    "officer": "officer_441402_1",
    "trainer": "trainer",
    "bureau_admin": "admin_441402",
    "city_admin": "city_admin",
}


@pytest.mark.parametrize("role", list(USERS))
def test_tokens_page_is_for_the_city_only(client, auth, people, campaign, role):
    auth.login(USERS[role])
    assert client.get("/scores/tokens").status_code == (200 if role == "city_admin" else 403)


def test_token_issued_on_the_page_reads_the_api_until_revoked(
    client, auth, people, campaign, audits
):
    auth.login("city_admin")
    page = client.post("/scores/tokens", data={"name": "省平台", "bureau_id": 0}).get_data(
        as_text=True
    )
    raw = re.search(r'id="new-token">([^<]+)<', page).group(1)
    assert (
        client.get("/api/v1/campaigns", headers={"Authorization": f"Bearer {raw}"}).status_code
        == 200
    )
    assert audits("api_token.issue") == 1
    token_id = re.search(
        r'action="/scores/tokens/(\d+)/revoke"', client.get("/scores/tokens").get_data(as_text=True)
    )
    assert client.post(f"/scores/tokens/{token_id.group(1)}/revoke").status_code == 302
    assert (
        client.get("/api/v1/campaigns", headers={"Authorization": f"Bearer {raw}"}).status_code
        == 401
    )
    assert audits("api_token.revoke") == 1


def test_token_without_a_purpose_is_refused_on_the_page(client, auth, people, campaign, audits):
    auth.login("city_admin")
    r = client.post("/scores/tokens", data={"name": "", "bureau_id": 0})
    assert r.status_code == 400 and "请填写令牌用途" in r.get_data(as_text=True)
    assert audits("api_token") == 0
