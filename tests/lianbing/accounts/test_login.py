"""Login, logout, lockout, safe redirects and change of password."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lianbing.accounts import services
from lianbing.accounts.models import ThrottleHit
from lianbing.audit.models import AuditLog
from lianbing.dbtypes import utcnow
from lianbing.extensions import db

WRONG = "用户名或密码错误。"
LOCKED = "登录失败次数过多"


def test_login_success_goes_home(client, auth, make_user):
    user = make_user("officer", username="li_jianhua")
    r = auth.login("li_jianhua")
    assert r.status_code == 302 and r.headers["Location"] == "/home"
    assert client.get("/home").status_code == 200
    assert user.display_name in client.get("/home").get_data(as_text=True)


def test_unknown_user_and_wrong_password_get_the_same_message(client, auth, make_user):
    make_user("officer", username="wang_li")
    unknown = auth.login("nobody_here").get_data(as_text=True)
    wrong = auth.login("wang_li", "not-the-password").get_data(as_text=True)
    assert WRONG in unknown and WRONG in wrong
    assert "不存在" not in unknown
    assert client.get("/home").status_code == 302  # still anonymous


def test_inactive_user_cannot_log_in(client, auth, make_user):
    user = make_user("officer")
    services.set_active(user, False)
    db.session.commit()
    assert WRONG in auth.login(user.username).get_data(as_text=True)


def test_empty_form_shows_chinese_errors(client):
    r = client.post("/login", data={"username": "", "password": ""})
    assert r.status_code == 400 and "请输入用户名" in r.get_data(as_text=True)


def test_logout_ends_the_session(client, auth, make_user):
    user = make_user("officer")
    auth.login(user.username)
    r = auth.logout()
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert client.get("/home").status_code == 302


def _failures(username: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(ThrottleHit).where(ThrottleHit.key.contains(username))
    )


def test_five_failures_refuse_the_username_from_that_address(client, auth, make_user):
    user = make_user("officer")
    for _ in range(5):
        assert WRONG in auth.login(user.username, "wrong-password").get_data(as_text=True)
    r = auth.login(user.username)  # right password, same address: still refused
    assert r.status_code == 429 and LOCKED in r.get_data(as_text=True)
    assert client.get("/home").status_code == 302
    assert _failures(user.username) == 5


def test_a_strangers_failures_do_not_lock_the_owner_out(client, auth, make_user, app):
    user = make_user("officer")
    for _ in range(8):
        auth.login(user.username, "wrong-password")
    owner = app.test_client()
    r = owner.post(
        "/login",
        data={"username": user.username, "password": "lianbing-demo"},
        environ_base={"REMOTE_ADDR": "10.20.30.40"},
    )
    assert r.status_code == 302


def test_refusal_holds_across_workers(client, auth, make_user, other_app):
    """Failures counted by one app (worker) refuse the same client in another."""
    user = make_user("officer")
    for _ in range(5):
        auth.login(user.username, "wrong-password")
    worker2 = other_app().test_client()
    page = worker2.post("/login", data={"username": user.username, "password": "lianbing-demo"})
    assert LOCKED in page.get_data(as_text=True)
    assert worker2.get("/home").status_code == 302


def test_failures_split_across_workers_add_up(client, auth, make_user, other_app):
    user = make_user("officer")
    worker2 = other_app().test_client()
    for _ in range(3):
        auth.login(user.username, "wrong-password")
    for _ in range(2):
        worker2.post("/login", data={"username": user.username, "password": "bad-password"})
    assert LOCKED in auth.login(user.username).get_data(as_text=True)


@pytest.mark.parametrize("minutes_ago, locked", [(14, True), (16, False)])
def test_refusal_lasts_fifteen_minutes(client, auth, make_user, minutes_ago, locked):
    user = make_user("officer")
    then = utcnow() - timedelta(minutes=minutes_ago)
    key = f"login:pair:{user.username}:127.0.0.1"
    db.session.add_all([ThrottleHit(key=key, at=then) for _ in range(5)])
    db.session.commit()
    r = auth.login(user.username)
    assert (LOCKED in r.get_data(as_text=True)) is locked
    assert (r.status_code == 302) is not locked


def test_four_failures_then_success_clears_the_count(client, auth, make_user):
    user = make_user("officer")
    for _ in range(4):
        auth.login(user.username, "wrong-password")
    assert auth.login(user.username).status_code == 302
    auth.logout()
    for _ in range(4):
        auth.login(user.username, "wrong-password")
    assert auth.login(user.username).status_code == 302  # 4 + 4 never reached 5 in a row


@pytest.mark.parametrize("target", ["/campaigns/", "/scores/mine?x=1"])
def test_safe_next_is_followed(client, auth, make_user, target):
    user = make_user("officer")
    r = client.post(
        f"/login?next={target}", data={"username": user.username, "password": "lianbing-demo"}
    )
    assert r.headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "http://evil.example/",
        "https://evil.example/home",
        "//evil.example/x",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil",
        "/\t/evil.example",
        "/ /evil.example",
        "/\x0b/evil.example",
    ],
)
def test_unsafe_next_is_refused(client, auth, make_user, target):
    user = make_user("officer")
    r = client.post(
        "/login",
        query_string={"next": target},
        data={"username": user.username, "password": "lianbing-demo"},
    )
    assert r.status_code == 302 and r.headers["Location"] == "/home"


def test_anonymous_is_sent_to_login_with_next(client):
    r = client.get("/campaigns/")
    assert r.status_code == 302 and "/login?next=" in r.headers["Location"]


def test_change_password(client, auth, make_user):
    user = make_user("officer")
    auth.login(user.username)
    r = client.post(
        "/account/password",
        data={
            "old_password": "lianbing-demo",
            "new_password": "another-pass-1",
            "confirm": "another-pass-1",
        },
    )
    assert r.status_code == 302
    auth.logout()
    assert WRONG in auth.login(user.username).get_data(as_text=True)
    assert auth.login(user.username, "another-pass-1").status_code == 302
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "user.password")) is not None


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {
                "old_password": "wrong-old-pass",
                "new_password": "another-pass-1",
                "confirm": "another-pass-1",
            },
            "原密码不正确",
        ),
        (
            {"old_password": "lianbing-demo", "new_password": "short", "confirm": "short"},
            "密码至少 8 位",
        ),
        (
            {
                "old_password": "lianbing-demo",
                "new_password": "another-pass-1",
                "confirm": "different-1",
            },
            "两次输入的密码不一致",
        ),
    ],
)
def test_change_password_refusals(client, auth, make_user, data, message):
    user = make_user("officer")
    auth.login(user.username)
    r = client.post("/account/password", data=data)
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    auth.logout()
    assert auth.login(user.username).status_code == 302  # old password still works


def test_failures_and_the_lockout_are_logged_for_the_operator(client, auth, make_user, caplog):
    user = make_user("officer")
    caplog.clear()
    for _ in range(5):
        auth.login(user.username, "wrong-password")
    auth.login(user.username)
    lines = [r.getMessage() for r in caplog.records if r.name == "lianbing.accounts"]
    assert sum("login failed" in line and user.username in line for line in lines) == 5
    assert any("login throttled" in line and user.username in line for line in lines)
    assert "wrong-password" not in "".join(lines)
