"""The layout: Chinese error pages (JSON when asked), local assets, navigation per role."""

from flask import Blueprint

from lianbing import TestingConfig
from lianbing.auth import public
from lianbing.parts import Part


class NoPropagation(TestingConfig):
    PROPAGATE_EXCEPTIONS = False


def _broken_part() -> Part:
    bp = Blueprint("broken", __name__)

    @bp.route("/")
    @public
    def index():
        raise RuntimeError("boom")

    return Part(name="broken", title="坏掉的部件", blueprint=bp)


def test_404_page_is_chinese(client):
    r = client.get("/no-such-page")
    assert r.status_code == 404 and "页面不存在" in r.get_data(as_text=True)


def test_403_page_is_chinese(client, auth, make_user):
    auth.login(make_user("officer").username)
    r = client.get("/audit/")
    assert r.status_code == 403 and "没有权限访问此页面" in r.get_data(as_text=True)


def test_405_page_is_chinese(client):
    r = client.get("/logout")
    assert r.status_code == 405 and "不支持此操作" in r.get_data(as_text=True)


def test_500_page_is_chinese_and_json_for_api(other_app):
    client = other_app(NoPropagation(), parts=[_broken_part()]).test_client()
    r = client.get("/broken/")
    assert r.status_code == 500 and "服务器内部错误" in r.get_data(as_text=True)
    assert "boom" not in r.get_data(as_text=True)
    r = client.get("/broken/", headers={"Accept": "application/json"})
    assert r.status_code == 500 and r.get_json()["error"] == "服务器内部错误"


def test_assets_are_served_locally(client):
    page = client.get("/login").get_data(as_text=True)
    assert "/bootstrap/static/css/bootstrap.min.css" in page and "cdn" not in page.lower()
    assert client.get("/bootstrap/static/css/bootstrap.min.css").status_code == 200
    assert "/bootstrap/static/js/bootstrap.min.js" in page
    assert client.get("/bootstrap/static/js/bootstrap.min.js").status_code == 200


def test_navigation_follows_the_role(client, auth, demo_people):
    auth.login("officer_441402_1")
    officer = client.get("/home").get_data(as_text=True)
    assert 'href="/roster"' not in officer and 'href="/audit/"' not in officer
    assert 'href="/training/"' in officer and 'href="/scores/mine"' in officer
    auth.logout()
    auth.login("admin_441402")
    bureau_admin = client.get("/home").get_data(as_text=True)
    assert 'href="/roster"' in bureau_admin and 'href="/audit/"' not in bureau_admin
    auth.logout()
    auth.login("city_admin")
    assert 'href="/audit/"' in client.get("/home").get_data(as_text=True)
