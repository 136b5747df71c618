"""`flask casestudies autograde` on plain-text records."""

import json

import pytest

from casestudies.rubrics import demo as rubrics_demo

RECORD = """现场检查笔录
检查时间：2017年7月20日9时30分至10时45分
检查地点：电镀车间
执法人员：李建华（执法证号：44140200011）、王志强（执法证号：44140200012）
现场检查情况：
执法人员出示执法证件。该厂正在生产，污水处理设施正常运行，情况严重。
"""


@pytest.fixture
def files(tmp_path):
    rubric = tmp_path / "rubric.json"
    rubric.write_text(json.dumps(rubrics_demo.INSPECTION, ensure_ascii=False), encoding="utf-8")
    record = tmp_path / "record.txt"
    record.write_text(RECORD, encoding="utf-8")
    return tmp_path, rubric, record


def test_autograde_prints_points_and_evidence(runner, files):
    _, rubric, record = files
    result = runner.invoke(args=["casestudies", "autograde", "--rubric", str(rubric), str(record)])
    assert result.exit_code == 0, result.output
    assert "未发现：告知申请回避的权利，请核对" in result.output
    assert (
        "第 6 行" in result.output and "严重" in result.output and "自动预评分合计" in result.output
    )


def test_autograde_json(runner, files):
    _, rubric, record = files
    result = runner.invoke(
        args=["casestudies", "autograde", "--rubric", str(rubric), str(record), "--json"]
    )
    data = json.loads(result.output)
    a1 = data["criteria"]["A1"]
    assert a1["points"] == 0 and a1["checks"][0]["evidence"][0] == {
        "line": 6,
        "column": 32,
        "text": "严重",
    }
    assert data["criteria"]["P2"]["points"] == 10


@pytest.mark.parametrize("content, message", [("", "为空"), ("字" * 30_001, "过长")])
def test_autograde_refuses_empty_or_oversized_record(runner, files, content, message):
    _, rubric, record = files
    record.write_text(content, encoding="utf-8")
    result = runner.invoke(args=["casestudies", "autograde", "--rubric", str(rubric), str(record)])
    assert result.exit_code == 1 and message in result.output


def test_autograde_refuses_bad_rubric(runner, files):
    tmp, _, record = files
    bad = tmp / "bad.json"
    spec = json.loads(json.dumps(rubrics_demo.INSPECTION))
    spec["criteria"][13]["checks"] = [{"type": "forbidden", "regex": ["[坏"]}]
    bad.write_text(json.dumps(spec), encoding="utf-8")
    result = runner.invoke(args=["casestudies", "autograde", "--rubric", str(bad), str(record)])
    assert result.exit_code == 1 and "A1" in result.output and "正则表达式" in result.output
    bad.write_text("{", encoding="utf-8")
    result = runner.invoke(args=["casestudies", "autograde", "--rubric", str(bad), str(record)])
    assert result.exit_code == 1 and "不是有效的 JSON" in result.output


def test_autograde_json_reports_what_the_reader_understood(runner, files):
    _, rubric, record = files
    result = runner.invoke(
        args=["casestudies", "autograde", "--rubric", str(rubric), str(record), "--json"]
    )
    understood = json.loads(result.output)["understood"]
    assert understood["officers"] == [
        {"name": "李建华", "cert": "44140200011"},
        {"name": "王志强", "cert": "44140200012"},
    ]
    assert understood["fields"]["place"] == "电镀车间"
    assert understood["fields"]["start_time"] == "2017年7月20日9时30分"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "不是 UTF-8 文本"),
        ("检查情况：\x00\x01\x02".encode(), "二进制或控制字符"),
        (b"   \n\n", "笔录为空"),
    ],
)
def test_autograde_refuses_binary_or_empty_record_on_stderr(runner, files, content, message):
    _, rubric, record = files
    record.write_bytes(content)
    result = runner.invoke(args=["casestudies", "autograde", "--rubric", str(rubric), str(record)])
    assert result.exit_code == 1 and message in result.stderr and "自动预评分" not in result.stdout


def test_autograde_refuses_a_rubric_whose_pattern_runs_too_long(runner, files):
    tmp, _, record = files
    slow = tmp / "slow.json"
    spec = json.loads(json.dumps(rubrics_demo.INSPECTION))
    spec["criteria"][2]["checks"] = [
        {"type": "mentions", "patterns": [{"label": "出示证件", "regex": "(a|aa)+$"}]}
    ]
    slow.write_text(json.dumps(spec), encoding="utf-8")
    result = runner.invoke(args=["casestudies", "autograde", "--rubric", str(slow), str(record)])
    assert result.exit_code == 1 and "P3" in result.stderr and "运行超过" in result.stderr
