"""Every route × every role, anonymous included: the status each must get.

Generic on purpose: routes that parts add later are covered without editing this file.
Each view states its roles in ``required_roles`` (set by @require_role, @any_user, @public).
The demo city sits under a province here, and the province's admin (a bureau admin two levels
up) is one more row: it reaches every page a county's admin reaches, for the same county, except
the pages that write a bureau's own paperwork (decision 0028).
"""

import pytest
from sqlalchemy import select

from lianbing import TestingConfig, create_app
from lianbing.accounts import services as accounts
from lianbing.accounts.models import User
from lianbing.campaign.models import Campaign
from lianbing.extensions import db
from lianbing.parts import ROLES

ANONYMOUS = "anonymous"
#: the demo user who plays each role
ROLE_USERS = {
    "officer": "officer_441402_1",
    "trainer": "trainer",
    "bureau_admin": "admin_441402",
    "city_admin": "city_admin",
}
#: the province above the demo city, and its admin
PROVINCE = ("广东省生态环境厅", "广东省厅", "440000")
PROVINCE_ADMIN = "admin_440000"
#: each row of the matrix: (role, the user who plays it)
ROWS = {
    **{role: (role, user) for role, user in ROLE_USERS.items()},
    "province_admin": ("bureau_admin", PROVINCE_ADMIN),
}
#: pages that write a bureau's own paperwork or accounts: the province's admin, of an allowed
#: role, is refused them for a county (only the county's own admin writes; accounts by the one
#: grant rule, accounts/grants.py)
OWN_BUREAU_WRITES = {"bulletins.edit", "accounts.edit_user"}
_APP = create_app(TestingConfig())


def _checked_rules(method: str):
    return sorted(
        (
            r
            for r in _APP.url_map.iter_rules()
            if method in r.methods and not r.endpoint.endswith("static") and r.endpoint != "static"
        ),
        key=lambda r: r.rule,
    )


GET_RULES = _checked_rules("GET")
POST_ONLY_RULES = [r for r in _checked_rules("POST") if "GET" not in r.methods]


@pytest.fixture
def province(demo_people):
    """The demo city moved under a province, whose admin is PROVINCE_ADMIN."""
    top = accounts.ensure_bureau(*PROVINCE, "province", None)
    accounts.city_bureau().parent_id = top.id
    data = accounts.UserData(
        PROVINCE_ADMIN, "省厅管理员", "bureau_admin", top.id, password="lianbing-demo"
    )
    accounts.create_user(data)
    db.session.commit()
    return top


def _known_ids() -> dict[str, int]:
    """Ids of existing rows for the URL parameters the host knows how to fill."""
    officer = db.session.scalar(select(User).where(User.username == "officer_441402_1"))
    campaign = db.session.scalar(select(Campaign))
    return {
        "user_id": officer.id,
        "bureau_id": officer.bureau_id,
        "campaign_id": campaign.id,
        "year": campaign.year,
        "month": campaign.start_date.month,
    }


def _url(rule, known: dict[str, int], rule_values) -> tuple[str, list[str]]:
    """Build the rule's URL with known ids; placeholders for the rest, which are listed."""
    values, unknown = rule_values(rule, known)
    with _APP.test_request_context():
        return rule.build(values)[1], unknown


def _status(client, method: str, url: str, username: str | None) -> tuple[int, str]:
    if username:
        r = client.post("/login", data={"username": username, "password": "lianbing-demo"})
        assert r.status_code == 302, f"login {username} failed"
    r = client.open(url, method=method)
    status, location = r.status_code, r.headers.get("Location", "")
    if username:
        client.post("/logout")
    return status, location


#: views that check the object as well as the role: an allowed role may still be refused one
#: object (a trainer opening an officer's score page: trainers see no rosters)
OBJECT_SCOPED = {"rankings.officer", "rankings.yoy_officer"}
#: the JSON API authenticates by bearer token, not by session: without one, everyone gets 401
TOKEN_ONLY = {
    "api.campaign_list",
    "api.city_rankings",
    "api.bureau_rankings",
    "api.officer",
    "api.bureau_ranking",
}


def _token_only_refuses_sessions(client, url: str) -> list[str]:
    wrong = []
    for who in (ANONYMOUS, *ROWS):
        status, _ = _status(client, "GET", url, None if who == ANONYMOUS else ROWS[who][1])
        if status != 401:
            wrong.append(f"{who}: {status} (expected 401 without a token)")
    return wrong


def _denied_ok(who: str, status: int, location: str) -> bool:
    if who == ANONYMOUS:
        return status == 401 or (status == 302 and "/login" in location)
    return status == 403


def test_every_view_states_its_roles():
    missing = [
        ep
        for ep, view in _APP.view_functions.items()
        if not ep.endswith("static") and not getattr(view, "required_roles", None)
    ]
    assert not missing, f"views without @require_role/@any_user/@public: {missing}"


def _expected_refusal(who: str, allowed, endpoint: str) -> bool:
    """Whether this row must be refused: its role is not listed, or it is the province's admin
    on a page that writes a county's own paperwork."""
    role = ROWS[who][0] if who in ROWS else who
    return role not in allowed or (who == "province_admin" and endpoint in OWN_BUREAU_WRITES)


@pytest.mark.parametrize("rule", GET_RULES, ids=lambda r: r.rule)
def test_get_route_matrix(app, client, province, campaign, rule_values, rule):
    view = app.view_functions[rule.endpoint]
    allowed = getattr(view, "required_roles", None)
    assert allowed, f"{rule.endpoint} has no required_roles"
    url, unknown = _url(rule, _known_ids(), rule_values)
    if rule.endpoint in TOKEN_ONLY:
        wrong = _token_only_refuses_sessions(client, url)
        assert not wrong, f"GET {url} ({rule.endpoint}): " + "; ".join(wrong)
        return
    wrong = []
    for who in (ANONYMOUS, *ROWS):
        status, location = _status(client, "GET", url, None if who == ANONYMOUS else ROWS[who][1])
        refused = _expected_refusal(who, allowed, rule.endpoint)
        if refused and not _denied_ok(who, status, location):
            wrong.append(f"{who}: {status} (expected refusal)")
        scoped_refusal = rule.endpoint in OBJECT_SCOPED and status == 403
        if not refused and not unknown and status >= 400 and not scoped_refusal:
            wrong.append(f"{who}: {status} (expected a page or redirect)")
    assert not wrong, f"GET {url} ({rule.endpoint}): " + "; ".join(wrong)
    if unknown and set(allowed) - {ANONYMOUS}:
        pytest.skip(
            f"refusals checked; cannot fill URL parameter(s) {unknown} for the allowed roles"
        )


@pytest.mark.parametrize("rule", POST_ONLY_RULES, ids=lambda r: r.rule)
def test_post_only_route_refuses_other_roles(app, client, province, campaign, rule_values, rule):
    """POST-only routes: the roles not listed are refused before anything happens."""
    allowed = app.view_functions[rule.endpoint].required_roles
    url, _ = _url(rule, _known_ids(), rule_values)
    wrong = []
    for who in (ANONYMOUS, *ROWS):
        if not _expected_refusal(who, allowed, rule.endpoint):
            continue
        status, location = _status(client, "POST", url, None if who == ANONYMOUS else ROWS[who][1])
        if not _denied_ok(who, status, location):
            wrong.append(f"{who}: {status}")
    assert not wrong, f"POST {url} ({rule.endpoint}): " + "; ".join(wrong)


def test_matrix_knows_the_expected_host_rules():
    """A guard that the matrix is not vacuous: the host's own pages are in it."""
    rules = {r.endpoint for r in GET_RULES}
    assert set(ROLES) <= {role for role, _ in ROWS.values()}
    assert {"accounts.roster", "audit.index", "campaign.weights", "main.healthz"} <= rules
    audit = _APP.view_functions["audit.index"].required_roles
    assert audit == frozenset({"city_admin"})
    assert ANONYMOUS in _APP.view_functions["main.healthz"].required_roles
