"""The rubric builder via the test client: bad criteria, totals, import, copies, trial, export."""

import io
import json

import pytest
from sqlalchemy import func, select

from casestudies.exercises import services as exercises
from casestudies.exercises.models import Submission
from casestudies.rubrics import demo as rubrics_demo
from casestudies.rubrics.models import Rubric
from lianbing.extensions import db


def test_rubric_json_export(client, auth, world):
    auth.login("trainer")
    ex = exercises.exercises(False)[0]
    data = json.loads(client.get(f"/casestudies/rubrics/{ex.rubric_id}.json").data)
    assert data["total_points"] == 100 and data["criteria"]


@pytest.mark.parametrize(
    "checks_text, levels, message",
    [
        ('[{"type": "forbidden", "regex": ["(坏"]}]', "5|好", "不是有效的正则表达式"),
        ("[]", "4|好", "最高一级 4 分"),
        ("[{", "5|好", "不是有效的 JSON"),
    ],
)
def test_rubric_builder_refuses_bad_criteria_naming_them(
    client, auth, demo_people, checks_text, levels, message
):
    auth.login("trainer")
    client.post(
        "/casestudies/rubrics",
        data={"title": "新量表", "record_type": "inspection", "total_points": "10"},
    )
    rubric = db.session.scalar(select(Rubric))
    r = client.post(
        f"/casestudies/rubrics/{rubric.id}/criteria",
        data={
            "key": "X1",
            "standard": "表述准确客观",
            "title": "客观用语",
            "max_points": "5",
            "mode": "levels",
            "levels": levels,
            "checks": checks_text,
        },
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and message in page and "客观用语" in page
    assert db.session.get(Rubric, rubric.id).data["criteria"] == []


def test_rubric_builder_refuses_points_over_total(client, auth, demo_people):
    auth.login("trainer")
    client.post(
        "/casestudies/rubrics",
        data={"title": "新量表", "record_type": "inspection", "total_points": "10"},
    )
    rubric = db.session.scalar(select(Rubric))
    base = {"standard": "内容完整", "mode": "guide", "checks": "[]", "levels": ""}
    assert (
        client.post(
            f"/casestudies/rubrics/{rubric.id}/criteria",
            data=base | {"key": "A", "title": "地点", "max_points": "6"},
        ).status_code
        == 302
    )
    r = client.post(
        f"/casestudies/rubrics/{rubric.id}/criteria",
        data=base | {"key": "B", "title": "单位", "max_points": "6"},
    )
    assert (
        r.status_code == 400
        and "单位" in r.get_data(as_text=True)
        and "超过总分" in r.get_data(as_text=True)
    )


def test_rubric_import_refuses_invalid_file(client, auth, demo_people):
    auth.login("trainer")
    bad = json.loads(json.dumps(rubrics_demo.INSPECTION))
    bad["criteria"][0]["max_points"] = 7
    r = client.post(
        "/casestudies/rubrics/import",
        data={"file": (io.BytesIO(json.dumps(bad).encode()), "r.json")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 400 and "P1" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Rubric.id))) == 0


@pytest.mark.parametrize(
    "raw, where",
    [(b"", "第 1 行第 1 列"), (b'{"title": "x",\n "criteria": [}', "第 2 行第 15 列")],
)
def test_rubric_import_says_a_json_error_in_chinese(client, auth, demo_people, raw, where):
    auth.login("trainer")
    r = client.post(
        "/casestudies/rubrics/import",
        data={"file": (io.BytesIO(raw), "r.json")},
        content_type="multipart/form-data",
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "不是有效的 JSON" in page and where in page
    assert "Expecting" not in page and "char " not in page and "请上传本系统导出的文件" in page
    assert db.session.scalar(select(func.count(Rubric.id))) == 0


def test_rubric_copy_and_new_version(client, auth, world):
    auth.login("trainer")
    rubric = exercises.exercises(False)[0].rubric
    assert rubric.is_locked
    r = client.post(
        f"/casestudies/rubrics/{rubric.id}/criteria",
        data={
            "key": "Z",
            "standard": "内容完整",
            "title": "新",
            "max_points": "1",
            "mode": "guide",
            "checks": "[]",
        },
    )
    assert r.status_code == 409 and "已锁定" in r.get_data(as_text=True)
    client.post(f"/casestudies/rubrics/{rubric.id}/copy", data={"as": "version"})
    client.post(f"/casestudies/rubrics/{rubric.id}/copy", data={"as": "copy"})
    versions = db.session.scalars(
        select(Rubric).where(Rubric.title.startswith(rubric.title)).order_by(Rubric.id)
    ).all()
    assert [(v.family == rubric.family, v.version) for v in versions[-2:]] == [
        (True, 2),
        (False, 1),
    ]
    assert versions[-1].title.endswith("（副本）")


def test_rubric_trial_shows_evidence_and_stores_nothing(client, auth, world):
    auth.login("trainer")
    rubric = exercises.exercises(False)[0].rubric
    before = db.session.scalar(select(func.count(Submission.id)))
    r = client.post(
        f"/casestudies/rubrics/{rubric.id}/try", data={"text": "现场检查情况：\n情况<i>严重</i>。"}
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and '<mark class="cs-bad"' in page and ">严重</mark>" in page
    assert "&lt;i&gt;" in page and "<i>" not in page
    assert db.session.scalar(select(func.count(Submission.id))) == before
    assert (
        client.post(f"/casestudies/rubrics/{rubric.id}/try", data={"text": " "}).status_code == 400
    )


def test_rubric_trial_shows_what_was_understood(client, auth, world):
    auth.login("trainer")
    rubric = exercises.exercises(False)[0].rubric
    text = (
        "检查时间：2017年8月2日9时20分至10时35分\n"
        "检查人：刘某（执法证号 44142217003）、黄某（执法证号 44142217009）\n"
        "现场检查情况：\n1．该厂正在生产，除尘器风机未开启。\n"
    )
    page = client.post(f"/casestudies/rubrics/{rubric.id}/try", data={"text": text})
    html = page.get_data(as_text=True)
    assert "自动检查读到的内容" in html and "执法人员 2 名" in html and "编号条目 1 条" in html
    assert "刘某 · 44142217003" in html and "黄某 · 44142217009" in html


def test_rubric_trial_refuses_binary_text_and_keeps_it(client, auth, world):
    auth.login("trainer")
    rubric = exercises.exercises(False)[0].rubric
    r = client.post(f"/casestudies/rubrics/{rubric.id}/try", data={"text": "现场检查情况\x01\x02"})
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "二进制或控制字符" in html and "现场检查情况" in html


def test_rubric_import_refuses_a_pattern_that_runs_too_long(client, auth, demo_people):
    spec = json.loads(json.dumps(rubrics_demo.INSPECTION))
    spec["criteria"][2]["checks"] = [
        {"type": "mentions", "patterns": [{"label": "出示证件", "regex": "^(a+)+$"}]}
    ]
    auth.login("trainer")
    r = client.post(
        "/casestudies/rubrics/import",
        data={"file": (io.BytesIO(json.dumps(spec).encode()), "r.json")},
        content_type="multipart/form-data",
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "(P3)" in html and "运行超过" in html
