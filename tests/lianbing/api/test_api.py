"""The read-only JSON API: token checks, scoping, paging.

Responses are checked against the OpenAPI document.
"""

from __future__ import annotations

import jsonschema
import pytest
from openapi_spec_validator import validate

from lianbing.api import tokens
from lianbing.api.openapi import document
from lianbing.extensions import db


@pytest.fixture
def token(people):
    def issue(bureau_code=None, revoked=False):
        bureau_id = (
            next(u.bureau_id for u in people.values() if u.username == f"admin_{bureau_code}")
            if bureau_code
            else None
        )
        row, raw = tokens.issue("省平台", bureau_id, people["city_admin"])
        if revoked:
            tokens.revoke(row, people["city_admin"])
        db.session.commit()
        return {"Authorization": f"Bearer {raw}"}

    return issue


@pytest.fixture
def scored(people, rec):
    for i, name in enumerate(["officer_441402_1", "officer_441402_2", "officer_441403_1"]):
        rec(people[name], "quiz", "q", 90 - i)
        rec(people[name], "record_exercise", "r", 20 + i, 30)
    return people


def check(response, schema_name: str, status: int = 200):
    """Assert the status and validate the JSON body against the OpenAPI component schema."""
    assert response.status_code == status, response.get_data(as_text=True)
    doc = document()
    schema = {**doc["components"]["schemas"][schema_name], "components": doc["components"]}
    jsonschema.validate(response.get_json(), schema, cls=jsonschema.Draft202012Validator)
    return response.get_json()


def test_openapi_document_is_valid(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    validate(r.get_json())


def test_without_token_is_401(client, scored, campaign):
    r = client.get(f"/api/v1/campaigns/{campaign.id}/rankings")
    check(r, "Error", 401)
    assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_unknown_and_revoked_tokens_are_401(client, scored, campaign, token):
    assert (
        client.get("/api/v1/campaigns", headers={"Authorization": "Bearer nope"}).status_code == 401
    )
    check(client.get("/api/v1/campaigns", headers=token(revoked=True)), "Error", 401)


def test_campaigns(client, scored, campaign, token):
    body = check(client.get("/api/v1/campaigns", headers=token()), "CampaignList")
    assert [c["name"] for c in body["items"]] == ["测试练兵活动"]


def test_city_ranking_is_paged_and_valid(client, scored, campaign, token):
    body = check(
        client.get(f"/api/v1/campaigns/{campaign.id}/rankings?per_page=2&page=1", headers=token()),
        "RankingPage",
    )
    assert body["total"] == 40 and body["pages"] == 20
    # record-exercise weight 30 beats quiz weight 20:
    # 441403_1 (88, 22/30) before 441402_2 (89, 21/30)
    assert [i["user_id"] for i in body["items"]] == [
        scored["officer_441403_1"].id,
        scored["officer_441402_2"].id,
    ]
    second = check(
        client.get(f"/api/v1/campaigns/{campaign.id}/rankings?per_page=2&page=2", headers=token()),
        "RankingPage",
    )
    assert second["items"][0]["position"] == 3


@pytest.mark.parametrize(
    "query, status",
    [
        ("page=0", 400),
        ("page=abc", 400),
        ("per_page=0", 400),
        ("per_page=101", 400),
        ("page=-1", 400),
        ("page=999", 404),
        ("kind=nonsense", 400),
        ("role=boss", 400),
    ],
)
def test_paging_out_of_range_is_refused(client, scored, campaign, token, query, status):
    check(
        client.get(f"/api/v1/campaigns/{campaign.id}/rankings?{query}", headers=token()),
        "Error",
        status,
    )


def test_bureau_limited_token_reads_only_its_bureau(client, scored, campaign, token):
    headers = token("441402")
    own = scored["officer_441402_1"].bureau_id
    other = scored["officer_441403_1"]
    body = check(
        client.get(f"/api/v1/campaigns/{campaign.id}/bureaus/{own}/rankings", headers=headers),
        "RankingPage",
    )
    assert {i["bureau_id"] for i in body["items"]} == {own}
    check(
        client.get(
            f"/api/v1/campaigns/{campaign.id}/bureaus/{other.bureau_id}/rankings", headers=headers
        ),
        "Error",
        403,
    )
    check(client.get(f"/api/v1/campaigns/{campaign.id}/rankings", headers=headers), "Error", 403)
    check(
        client.get(f"/api/v1/campaigns/{campaign.id}/officers/{other.id}", headers=headers),
        "Error",
        403,
    )
    check(
        client.get(f"/api/v1/campaigns/{campaign.id}/bureau-ranking", headers=headers), "Error", 403
    )


def test_officer_breakdown_lists_ledger_lines(client, scored, campaign, token):
    officer = scored["officer_441402_2"]
    body = check(
        client.get(f"/api/v1/campaigns/{campaign.id}/officers/{officer.id}", headers=token()),
        "OfficerBreakdown",
    )
    assert {e["ref"] for e in body["entries"]} == {"q", "r"}
    assert body["city_rank"] == 2
    assert sum(k["contribution"] for k in body["kinds"]) == pytest.approx(
        body["composite"], abs=0.01
    )


def test_bureau_ranking(client, scored, campaign, token):
    body = check(
        client.get(f"/api/v1/campaigns/{campaign.id}/bureau-ranking", headers=token()),
        "BureauRanking",
    )
    assert len(body["items"]) == 8 and body["items"][0]["name"] == "梅江区"


def test_unknown_campaign_is_404(client, scored, token):
    check(client.get("/api/v1/campaigns/999/rankings", headers=token()), "Error", 404)


def test_api_views_are_marked_and_post_is_not_allowed(app, client, scored, campaign, token):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            assert hasattr(app.view_functions[rule.endpoint], "required_roles"), rule.rule
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}
    assert client.post("/api/v1/campaigns", headers=token()).status_code == 405
