"""Basic host behaviour: login, healthz, dashboards."""


def test_healthz_ok(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.get_json() == {"status": "ok", "database": "ok"}


def test_login_and_home(client, auth, make_user, campaign):
    user = make_user("officer", display_name="李建华")
    r = auth.login(user.username)
    assert r.status_code == 302 and r.headers["Location"].endswith("/home")
    page = client.get("/home").get_data(as_text=True)
    assert "李建华" in page and "测试练兵活动" in page
