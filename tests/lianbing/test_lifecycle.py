"""The request lifecycle: one commit at the end, rollback on refusals and errors, request ids,
one refusal handler answering a page or JSON, and the log lines an operator reads."""

from __future__ import annotations

import json
import logging

import pytest
from flask import Blueprint
from sqlalchemy import func, select
from sqlalchemy.event import listen, remove
from sqlalchemy.orm import Session

from lianbing import TestingConfig, create_app
from lianbing.accounts.models import Bureau
from lianbing.errors import Conflict, Refused
from lianbing.extensions import db
from lianbing.logconfig import JsonFormatter, event
from lianbing.web import discard_changes, refused_redirect

probe = Blueprint("probe", __name__)


def _add_bureau(code: str) -> None:
    db.session.add(Bureau(name=f"测试局{code}", short_name=f"测{code}", code=code, level="county"))
    db.session.flush()


@probe.route("/probe/ok", methods=["POST"])
def ok():
    _add_bureau("990001")
    return "ok"


@probe.route("/probe/refused", methods=["POST"])
def refused():
    _add_bureau("990002")
    raise Conflict("该记录已提交，不能再次提交。")


@probe.route("/probe/kept", methods=["POST"])
def kept():
    _add_bureau("990003")
    err = Refused("答题时间已到，已自动交卷。", 409)
    err.keep = True
    raise err


@probe.route("/probe/discarded", methods=["POST"])
def discarded():
    _add_bureau("990004")
    discard_changes()
    return "discarded"


@probe.route("/probe/redirected", methods=["POST"])
def redirected():
    _add_bureau("990005")
    return refused_redirect(Conflict("不能这样做。"), "/home")


@probe.route("/probe/boom", methods=["POST"])
def boom():
    _add_bureau("990006")
    raise RuntimeError("unexpected")


@probe.route("/probe/savepoint-refused", methods=["POST"])
def savepoint_refused():
    with db.session.begin_nested():
        _add_bureau("990007")
    raise Conflict("该记录已提交，不能再次提交。")


@probe.route("/probe/committed", methods=["POST"])
def committed():
    _add_bureau("990008")
    db.session.commit()
    return "committed"


@probe.route("/probe/waiting", methods=["POST"])
def waiting():
    db.session.commit()
    db.session().info["probe_waiting"] = True  # work for the commit, no transaction begun
    return "waiting"


for view in (ok, refused, kept, discarded, redirected, boom, savepoint_refused, committed, waiting):
    view.required_roles = frozenset({"anonymous"})


@pytest.fixture
def probe_app():
    app = create_app(TestingConfig())
    app.register_blueprint(probe)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()


def _stored(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).where(Bureau.code == code))


def _post(app, path: str, **kw):
    with app.test_client() as client:
        return client.post(path, **kw)


@pytest.mark.parametrize(
    "path, code, status, kept_row",
    [
        ("/probe/ok", "990001", 200, True),
        ("/probe/refused", "990002", 409, False),
        ("/probe/kept", "990003", 409, True),
        ("/probe/discarded", "990004", 200, False),
        ("/probe/redirected", "990005", 302, False),
        ("/probe/boom", "990006", 500, False),
        # a savepoint taken before the first write must not commit on its own (SQLite)
        ("/probe/savepoint-refused", "990007", 409, False),
    ],
)
def test_the_host_commits_only_what_should_be_kept(probe_app, path, code, status, kept_row):
    response = _post(probe_app, path)
    assert response.status_code == status
    db.session.remove()
    assert _stored(probe_app, code) == (1 if kept_row else 0)


@pytest.mark.parametrize(
    "path, commits", [("/probe/ok", 1), ("/probe/committed", 1), ("/probe/waiting", 2)]
)
def test_the_host_commits_when_something_waits_for_it(probe_app, path, commits):
    """Not after a view that committed its own work (an empty commit costs a transaction's
    events), but whenever the session has begun a transaction or holds work for the commit."""
    seen = []

    def count(session):
        seen.append(session.info.pop("probe_waiting", None))

    listen(Session, "before_commit", count)
    try:
        assert _post(probe_app, path).status_code == 200
    finally:
        remove(Session, "before_commit", count)
    assert len(seen) == commits


def test_a_refusal_is_a_chinese_page_or_json(probe_app):
    page = _post(probe_app, "/probe/refused")
    assert "该记录已提交，不能再次提交。" in page.get_data(as_text=True)
    fetched = _post(probe_app, "/probe/refused", json={})
    assert fetched.status_code == 409
    assert fetched.get_json()["error"] == "该记录已提交，不能再次提交。"
    assert fetched.get_json()["ok"] is False


def test_every_response_has_a_request_id_and_the_500_page_shows_it(probe_app):
    response = _post(probe_app, "/probe/boom")
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) >= 8
    body = response.get_data(as_text=True)
    assert "服务器内部错误" in body and request_id in body
    assert _post(probe_app, "/probe/ok").headers["X-Request-ID"] != request_id


def test_a_sane_incoming_request_id_is_kept_and_a_hostile_one_replaced(probe_app):
    kept = _post(probe_app, "/probe/ok", headers={"X-Request-ID": "proxy-abc-12345"})
    assert kept.headers["X-Request-ID"] == "proxy-abc-12345"
    hostile = _post(probe_app, "/probe/ok", headers={"X-Request-ID": "<script>x</script>"})
    assert "<" not in hostile.headers["X-Request-ID"]


def test_one_log_line_per_request_with_status_and_request_id(probe_app, caplog):
    with caplog.at_level(logging.INFO, logger="lianbing.request"):
        response = _post(probe_app, "/probe/refused")
    lines = [r for r in caplog.records if r.name == "lianbing.request"]
    assert len(lines) == 1
    assert lines[0].status == 409 and lines[0].route == "/probe/refused"
    assert lines[0].request_id == response.headers["X-Request-ID"]


def test_an_unexpected_exception_is_logged_with_its_request_id(probe_app, caplog):
    with caplog.at_level(logging.ERROR):
        response = _post(probe_app, "/probe/boom")
    errors = [r for r in caplog.records if r.exc_info]
    assert errors and errors[0].request_id == response.headers["X-Request-ID"]


def test_json_log_lines_carry_the_structured_fields(caplog):
    with caplog.at_level(logging.INFO, logger="lianbing.quizzes"):
        event("quizzes", "导入题目 %s 道", 12, actor_id=7, count=12)
    record = caplog.records[-1]
    data = json.loads(JsonFormatter().format(record))
    assert data["message"] == "导入题目 12 道"
    assert data["count"] == 12 and data["actor_id"] == 7 and data["logger"] == "lianbing.quizzes"
