"""The audit page speaks Chinese: labels, names and before/after tables, never codes or JSON."""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

from flask import g
from sqlalchemy import select

from lianbing.accounts import services
from lianbing.accounts.models import User
from lianbing.api import tokens
from lianbing.audit import services as audit
from lianbing.audit.labels import ACTION_LABELS
from lianbing.extensions import db

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "lianbing-demo"


class _Text(HTMLParser):
    """The text a person sees inside the audit table."""

    def __init__(self):
        super().__init__()
        self.depth, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        if self.depth or dict(attrs).get("id") == "audit":
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def _visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def _user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


def _a_day_of_actions(app, client, auth) -> None:
    officer, admin, city = _user("officer_441402_1"), _user("admin_441402"), _user("city_admin")
    other = app.test_client()
    other.post("/login", data={"username": officer.username, "password": "wrong-guess-9"})
    for _ in range(6):  # five failures, then a refusal
        other.post("/login", data={"username": "ghost", "password": "wrong-guess-9"})
    auth.login(officer.username)
    client.get("/audit/")  # an officer on the audit page: refused, and audited
    client.post(
        "/account/password",
        data={
            "old_password": PASSWORD,
            "new_password": "Officer-pw-77",
            "confirm": "Officer-pw-77",
        },
    )
    auth.logout()
    services.reset_password(officer, "Reset-pw-88x", actor_id=admin.id)
    data = services.UserData(officer.username, "改名后的人", "bureau_admin", officer.bureau_id)
    services.update_user(officer, data, actor_id=admin.id)
    services.set_active(officer, False, actor_id=admin.id)
    _, raw = tokens.issue("省平台", None, city)
    audit.write(
        "recommendation.add", "recommendation", 1, actor_id=admin.id, new={"title": "测试推荐"}
    )
    db.session.commit()
    client.get("/api/v1/campaigns", headers={"Authorization": f"Bearer {raw}"})


def test_the_page_shows_labels_names_and_tables(app, client, auth, demo_people):
    _a_day_of_actions(app, client, auth)
    g.pop("_login_user", None)
    auth.login("city_admin")
    html = client.get("/audit/").get_data(as_text=True)
    text = _visible(html)
    for label in (
        "登录成功",
        "登录失败",
        "登录被限制（尝试过多）",
        "退出登录",
        "修改本人密码",
        "管理员重置密码",
        "修改人员信息",
        "停用账号",
        "签发接口令牌",
        "使用接口令牌",
        "越权访问被拒绝",
        "添加推荐",
    ):
        assert label in text, label
    assert "改名后的人" in text  # the target by name
    assert "执法人员" in text and "县级管理员" in text  # the role change, before and after
    assert not re.search(r"\b[a-z_]+\.[a-z_]+\b", text), re.findall(r"\b[a-z_]+\.[a-z_]+\b", text)
    assert not re.search(r"\\u[0-9a-fA-F]{4}", text)
    assert '{"' not in text and "{'" not in text


def _written_action_codes() -> set[str]:
    """Every literal action code passed to audit.write / write_audit in the app's source."""
    codes = set()
    for top in ("lianbing", "training", "quizzes", "casestudies"):
        for path in (ROOT / top).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                owner = getattr(getattr(func, "value", None), "id", "")
                if name == "write_audit" or (name == "write" and owner == "audit"):
                    first = node.args[0]
                    if isinstance(first, ast.Constant) and isinstance(first.value, str):
                        codes.add(first.value)
    return codes


def test_every_action_code_written_has_a_label():
    codes = _written_action_codes()
    assert len(codes) > 40
    assert codes - set(ACTION_LABELS) == set()


def test_references_in_changes_and_targets_read_as_names(client, auth, demo_people, campaign):
    from lianbing.dbtypes import utcnow
    from lianbing.ledger.services import record

    officer, bureau = _user("officer_441402_1"), _user("admin_441403").bureau
    entry = record(
        officer.id, campaign.id, "quiz", "quiz:77", 8, 10, utcnow(), title="2017年大气法专题竞赛"
    )
    audit.write(
        "expected.declare",
        "campaign",
        campaign.id,
        new={"kind": "quiz", "ref": "quiz:77", "audience": "bureaus", "ids": [bureau.id]},
    )
    audit.write("score.update", "score_entry", entry.id, new={"user_id": officer.id})
    db.session.commit()
    auth.login("city_admin")
    text = _visible(client.get("/audit/").get_data(as_text=True))
    assert "2017年大气法专题竞赛" in text and "测验" in text and "指定单位" in text
    assert bureau.short_name in text or bureau.name in text
    assert f"练兵活动：{campaign.name}" in text and "成绩：2017年大气法专题竞赛" in text
    assert officer.display_name in text
    assert "quiz:77" not in text and " 号" not in text and "bureaus" not in text
