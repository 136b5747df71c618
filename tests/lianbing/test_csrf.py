"""With CSRF on, every POST route the app registers (host and parts) refuses a missing token."""

import pytest

from lianbing import TestingConfig


class CsrfConfig(TestingConfig):
    WTF_CSRF_ENABLED = True


def _post_rules(app):
    return [r for r in app.url_map.iter_rules() if "POST" in r.methods]


@pytest.fixture
def csrf_app(other_app):
    return other_app(CsrfConfig())


def test_there_are_post_routes_to_check(csrf_app):
    endpoints = {r.endpoint for r in _post_rules(csrf_app)}
    assert {
        "accounts.login",
        "accounts.logout",
        "accounts.import_roster",
        "campaign.weights",
    } <= endpoints


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "city_admin"])
def test_every_post_route_needs_a_token(
    csrf_app, demo_people, session_login, rule_values, logged_in
):
    """Placeholder URL values are enough: CSRF is checked before the view runs."""
    client = csrf_app.test_client()
    if logged_in:
        with csrf_app.app_context():
            session_login(client, "city_admin")
    failures = []
    with csrf_app.test_request_context():
        urls = [(r.endpoint, r.build(rule_values(r)[0])[1]) for r in _post_rules(csrf_app)]
    for endpoint, url in urls:
        r = client.post(url, data={"username": "city_admin", "password": "lianbing-demo"})
        if r.status_code != 400 or "缺少安全校验（CSRF 令牌）" not in r.get_data(as_text=True):
            failures.append(f"{endpoint} {url}: {r.status_code}")
    assert not failures, "POST routes that accepted a request without a CSRF token:\n" + "\n".join(
        failures
    )


def test_login_with_a_token_works(csrf_app, demo_people):
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    r = client.post(
        "/login", data={"username": "city_admin", "password": "lianbing-demo", "csrf_token": token}
    )
    assert r.status_code == 302 and r.headers["Location"] == "/home"


def test_every_form_page_carries_a_token(csrf_app, demo_people, session_login):
    client = csrf_app.test_client()
    with csrf_app.app_context():
        session_login(client, "city_admin")
    for path in ("/roster/new", "/roster/import", "/account/password", "/home"):
        assert 'name="csrf_token"' in client.get(path).get_data(as_text=True), path
