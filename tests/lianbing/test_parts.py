"""The part registry: a part added and removed without touching the host."""

from datetime import datetime, timezone

import pytest
from flask import Blueprint

from lianbing import TestingConfig, create_app
from lianbing.auth import any_user
from lianbing.campaign import services as campaigns
from lianbing.extensions import db
from lianbing.ledger import services as scoring
from lianbing.parts import ActivityKind, NavEntry, Part, PartError, load_part


def make_sandbox_part(name="sandbox", kind="sandbox_drill") -> Part:
    """A small part, defined here, as a third party would write it."""
    bp = Blueprint(name, __name__)

    @bp.route("/")
    @any_user
    def index():
        return "实战演练页面"

    return Part(
        name=name,
        title="实战演练",
        blueprint=bp,
        nav=(NavEntry("演练任务", f"{name}.index", frozenset({"officer"})),),
        activity_kinds=(ActivityKind(kind, "现场演练", 15.0),),
    )


@pytest.fixture
def defaults():
    return [load_part(name) for name in ("training", "quizzes", "casestudies")]


def test_a_part_adds_a_blueprint_nav_entry_and_kind(other_app, make_user, campaign, defaults):
    app = other_app(parts=[*defaults, make_sandbox_part()])
    officer, trainer = make_user("officer"), make_user("trainer")
    client = app.test_client()
    client.post("/login", data={"username": officer.username, "password": "lianbing-demo"})
    home = client.get("/home").get_data(as_text=True)
    assert "实战演练" in home and 'href="/sandbox/"' in home
    assert client.get("/sandbox/").get_data(as_text=True) == "实战演练页面"
    client.post("/logout")
    client.post("/login", data={"username": trainer.username, "password": "lianbing-demo"})
    assert 'href="/sandbox/"' not in client.get("/home").get_data(as_text=True)  # nav is per role
    with app.app_context():
        assert campaigns.weights(db.session.merge(campaign))["sandbox_drill"] == 15.0
        scoring.record(
            officer.id, campaign.id, "sandbox_drill", "drill:1", 5, 10, datetime.now(timezone.utc)
        )
        db.session.commit()


def test_part_kind_is_unknown_to_an_app_without_the_part(make_user, campaign):
    officer = make_user("officer")
    with pytest.raises(scoring.ScoreError):
        scoring.record(
            officer.id, campaign.id, "sandbox_drill", "drill:1", 5, 10, datetime.now(timezone.utc)
        )


def test_duplicate_part_name_is_refused():
    with pytest.raises(PartError, match="duplicate part name: sandbox"):
        create_app(
            TestingConfig(), parts=[make_sandbox_part(), make_sandbox_part(kind="other_kind")]
        )


def test_duplicate_activity_kind_is_refused(defaults):
    with pytest.raises(PartError, match="duplicate activity kind: quiz"):
        create_app(TestingConfig(), parts=[*defaults, make_sandbox_part(kind="quiz")])


def test_a_part_cannot_take_a_host_kind():
    with pytest.raises(PartError, match="duplicate activity kind: award"):
        create_app(TestingConfig(), parts=[make_sandbox_part(kind="award")])


def test_a_module_without_a_part_is_refused():
    with pytest.raises(PartError, match="has no `part = Part"):
        load_part("lianbing.markup")


def test_parts_config_names_the_parts(other_app):
    class OnlyTraining(TestingConfig):
        def init(self):
            super().init()
            self.PARTS = ["training"]
            return self

    app = other_app(OnlyTraining())
    assert list(app.extensions["lianbing"].parts) == ["training"]


def test_removing_a_part_leaves_the_rest_working(other_app, make_user, campaign):
    app = other_app(parts=[load_part("training")])
    admin = make_user("city_admin", bureau_code="441400")
    client = app.test_client()
    client.post("/login", data={"username": admin.username, "password": "lianbing-demo"})
    assert client.get("/quizzes/").status_code == 404
    assert client.get("/training/").status_code == 200
    for path in (
        "/home",
        "/roster",
        "/campaigns/",
        f"/campaigns/{campaign.id}",
        "/scores/mine",
        "/audit/",
    ):
        assert client.get(path).status_code == 200, path
    weights = client.get(f"/campaigns/{campaign.id}/weights").get_data(as_text=True)
    assert "学习模块" in weights and "测验" not in weights and "笔录练习" not in weights


def test_an_app_with_no_parts_at_all_works(other_app, make_user, campaign):
    app = other_app(parts=[])
    admin = make_user("city_admin", bureau_code="441400")
    client = app.test_client()
    client.post("/login", data={"username": admin.username, "password": "lianbing-demo"})
    for path in ("/home", "/roster", f"/campaigns/{campaign.id}/weights"):
        assert client.get(path).status_code == 200, path


def test_register_parts_keeps_the_registry_on_the_app(app):
    registry = app.extensions["lianbing"]
    assert set(registry.kinds) >= {"award", "study", "quiz", "record_exercise"}
    assert registry.kind_owner["award"] == "lianbing"


def test_activity_links_stay_inside_their_part_and_are_unique():
    from dataclasses import replace

    from lianbing.parts import ActivityLink, Registry

    part = make_sandbox_part()
    outside = replace(part, activity_links={"drill": ActivityLink("quizzes.index", "drill_id")})
    with pytest.raises(PartError, match="points outside"):
        Registry().add(outside)
    inside = replace(part, activity_links={"quiz": ActivityLink("sandbox.index", "drill_id")})
    registry = Registry()
    registry.add(load_part("quizzes"))
    with pytest.raises(PartError, match="duplicate activity link"):
        registry.add(inside)


def test_a_ledger_line_reads_in_words_and_opens_for_the_roles_allowed(app):
    from lianbing.activities import describe

    with app.test_request_context():
        quiz = describe("competition", "quiz:12", "2017年大气法专题竞赛", "officer")
        assert quiz.text == "知识竞赛：2017年大气法专题竞赛" and quiz.url == "/quizzes/q/12"
        assert describe("competition", "quiz:12", "竞赛", "trainer").url is None
        module = describe("study", "module:3", "学习模块：环境保护法", "trainer")
        assert module.text == "学习模块：环境保护法" and module.url == "/training/modules/3"
        demo = describe("record_exercise", "demo:record_exercise:2", "", "officer")
        assert demo.text == "笔录练习（未命名）" and demo.url is None
        untitled = describe("quiz", "quiz:5", "quiz:5", "officer")
        assert "quiz:5" not in untitled.text
        assert describe("gone_kind", "x:1", "旧活动", "officer").text == "其他活动：旧活动"
