"""Host commands: flask demo (idempotent) and flask create-admin; /healthz."""

import pytest
from sqlalchemy import func, select

from lianbing import TestingConfig
from lianbing.accounts.models import Bureau, User
from lianbing.audit.models import AuditLog
from lianbing.campaign.models import Campaign, Stage
from lianbing.extensions import db

MODELS = (Bureau, User, Campaign, Stage, AuditLog)


def _counts() -> dict[str, int]:
    db.session.expire_all()
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def test_demo_loads_everything_and_is_idempotent(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "lianbing-demo" in first.output
    counts = _counts()
    assert counts["Bureau"] == 9 and counts["User"] == 2 + 8 * 6
    assert counts["Campaign"] == 2 and counts["Stage"] == 12  # this year's and 2017
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert _counts() == counts


def test_demo_people_have_the_documented_logins(flask_demo):
    users = {u.username: u for u in db.session.scalars(select(User))}
    assert users["city_admin"].role == "city_admin" and users["trainer"].role == "trainer"
    assert (
        users["admin_441402"].role == "bureau_admin"
        and users["admin_441402"].bureau.short_name == "梅江区"
    )
    officer = users["officer_441481_5"]
    assert officer.bureau.code == "441481" and officer.cert_no == "4414810005"
    assert all(u.check_password("lianbing-demo") for u in (users["city_admin"], officer))
    active = db.session.scalar(select(Campaign).where(Campaign.is_active.is_(True)))
    assert active.name == f"{active.year}年环境执法大练兵" and active.year > 2017


def test_demo_if_empty_skips_a_used_database(runner, make_user):
    make_user("officer")
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0 and "跳过" in result.output
    assert _counts()["User"] == 1


def test_create_admin(runner, demo_people):
    result = runner.invoke(
        args=["create-admin", "chief", "--password", "chief-pass-1", "--bureau-code", "441400"]
    )
    assert result.exit_code == 0, result.output
    chief = db.session.scalar(select(User).where(User.username == "chief"))
    assert chief.role == "city_admin" and chief.check_password("chief-pass-1")


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["create-admin", "chief", "--password", "chief-pass-1", "--bureau-code", "999999"],
            "找不到单位",
        ),
        (
            ["create-admin", "chief", "--password", "short", "--bureau-code", "441400"],
            "密码至少 8 位",
        ),
        (
            ["create-admin", "city_admin", "--password", "chief-pass-1", "--bureau-code", "441400"],
            "已存在",
        ),
    ],
)
def test_create_admin_refusals(runner, demo_people, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code == 1 and message in result.output
    assert (
        db.session.scalar(select(func.count()).select_from(User).where(User.username == "chief"))
        == 0
    )


def test_load_bureaus_then_create_admin_on_an_empty_database(runner):
    """The production first install: bureaus without people, then a city admin."""
    for _ in range(2):
        result = runner.invoke(args=["load-bureaus"])
        assert result.exit_code == 0 and "兴宁市（441481）" in result.output
    counts = _counts()
    assert counts["Bureau"] == 9 and counts["User"] == 0
    result = runner.invoke(
        args=["create-admin", "chief", "--bureau-code", "441400"],
        input="chief-pass-1\nchief-pass-1\n",
    )
    assert result.exit_code == 0, result.output
    assert (
        db.session.scalar(select(User).where(User.username == "chief")).bureau.short_name
        == "梅州市"
    )


class UnreachableDb(TestingConfig):
    """A database that cannot be opened (a directory that does not exist)."""

    def init(self):
        super().init()
        self.SQLALCHEMY_DATABASE_URI = "sqlite:////nonexistent-dir/lianbing/none.db"
        return self


def test_healthz_ok(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_503_when_the_database_is_unreachable(other_app):
    r = other_app(UnreachableDb()).test_client().get("/healthz")
    assert r.status_code == 503
    body = r.get_json()
    assert body["status"] == "error" and body["database"].startswith("unreachable")
