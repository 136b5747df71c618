"""The pre-grading engine without a database: parsing, check types, rubric validation."""

from copy import deepcopy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casestudies.exercises.records import Draft, parse_record, render_text
from casestudies.rubrics import checks
from casestudies.rubrics import demo as rubrics_demo

TYPED = """现场检查笔录
检查时间：2017年7月20日9时30分至10时45分
检查地点：工业园3号厂房电镀车间
被检查单位：某电镀公司
法定代表人：王某
联系电话：13800000001
执法人员：李建华（执法证号：44140200011）、王志强（执法证号：44140200012）
记录人：王志强
现场检查情况：
执法人员出示执法证件，告知当事人有权申请回避，当事人表示不申请回避。
该厂正在生产，污水处理设施正常运行，排放口有废水排出，现场采样2瓶。
被检查人意见：以上笔录属实。
签名日期：2017年7月20日
"""


def grade(text, spec=rubrics_demo.INSPECTION):
    return checks.pregrade(checks.compile_rubric(spec), parse_record(text))


def test_typed_record_scores_full_on_automatic_criteria():
    result = grade(TYPED)
    auto = {k: v for k, v in result["criteria"].items() if v["checks"] and not v["veto"]}
    assert all(v["points"] == v["max"] for v in auto.values()), {
        k: v for k, v in auto.items() if v["points"] != v["max"]
    }
    assert result["vetoed"] is False and result["total"] == 95  # L2 is judged by a person


def test_missing_recusal_and_subjective_word_are_flagged_with_evidence():
    text = TYPED.replace("告知当事人有权申请回避，当事人表示不申请回避。", "").replace(
        "正常运行", "正常运行，情况严重"
    )
    result = grade(text)
    p4, a1 = result["criteria"]["P4"], result["criteria"]["A1"]
    assert p4["points"] == 0 and "未发现：告知申请回避的权利，请核对" in p4["checks"][0]["messages"]
    spans = a1["checks"][0]["spans"]
    assert a1["points"] == 0 and [text[s:e] for s, e in spans] == ["严重"]


def test_times_must_be_to_the_minute_and_in_order():
    no_minutes = TYPED.replace(
        "检查时间：2017年7月20日9时30分至10时45分", "检查时间：2017年7月20日"
    )
    backwards = TYPED.replace("9时30分至10时45分", "11时30分至10时45分")
    assert "未发现精确到分钟的" in grade(no_minutes)["criteria"]["P1"]["checks"][0]["messages"][0]
    assert grade(backwards)["criteria"]["P1"]["checks"][0]["messages"] == [
        "结束时间似乎不晚于开始时间，请核对"
    ]


def test_one_officer_triggers_the_veto_and_zeroes_the_record():
    text = TYPED.replace("、王志强（执法证号：44140200012）", "")
    result = grade(text)
    assert result["criteria"]["V1"]["vetoed"] and result["vetoed"] and result["total"] == 0


def test_penalty_in_record_and_units():
    text = TYPED.replace("现场采样2瓶。", "现场采样2瓶，废水约 30 流入河道。拟处以罚款10万元。")
    result = grade(text)
    a2, l1 = result["criteria"]["A2"]["checks"][0], result["criteria"]["L1"]["checks"][0]
    assert not a2["passed"] and [text[s:e] for s, e in a2["spans"]] == ["处以罚款"]
    assert [text[s:e] for s, e in l1["spans"]] == ["30"]


def test_header_words_are_not_counted_as_forbidden_in_body():
    text = TYPED.replace("被检查单位：某电镀公司", "被检查单位：严重电镀公司")
    assert grade(text)["criteria"]["A1"]["points"] == 5


def test_inquiry_topics_and_interviewee_fields():
    draft = Draft(
        header={"interviewee": "张某", "id_no": "12345"},
        qa=[{"q": "什么时间排放的？", "a": "5月。"}],
    )
    text = render_text("inquiry", draft)
    result = grade(text, rubrics_demo.INQUIRY)
    q9, q6 = result["criteria"]["Q9"]["checks"][0], result["criteria"]["Q6"]["checks"]
    assert "只发现 1 组问答，少于 4 组，请核对" in q9["messages"]
    assert "问答中未发现：地点，请核对" in q9["messages"]
    assert "身份证号应为 18 位（现为 5 位），请核对" in q6[1]["messages"]
    assert "未发现：性别，请核对" in q6[0]["messages"]
    assert "性别：" in [text[s:e] for s, e in q6[0]["spans"]]  # the empty line points at the gap


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda r: r["criteria"][1].update(max_points=15, mode="guide"), "超过总分"),
        (lambda r: r["criteria"][1].update(max_points=5, mode="guide"), "与总分 100 分不符"),
        (
            lambda r: r["criteria"][13]["checks"].append(
                {"type": "forbidden", "regex": ["(未闭合"]}
            ),
            "不是有效的正则表达式",
        ),
        (lambda r: r["criteria"][0]["checks"].append({"type": "no_such"}), "未知的自动检查类型"),
        (lambda r: r["criteria"][0]["levels"][0].update(points=4), "最高一级 4 分"),
        (lambda r: r["criteria"][4].update(max_points=3), "否决项不计分"),
        (lambda r: r["criteria"][2].update(key="P1"), "不重复"),
    ],
)
def test_bad_rubrics_are_refused_naming_the_criterion(change, words):
    spec = deepcopy(rubrics_demo.INSPECTION)
    change(spec)
    with pytest.raises(checks.RubricError) as err:
        checks.compile_rubric(spec)
    assert words in str(err.value)
    if "不符" not in words:
        assert err.value.criterion and err.value.criterion in str(err.value)


def test_demo_rubrics_add_up():
    for spec in (rubrics_demo.INSPECTION, rubrics_demo.INQUIRY):
        assert checks.compile_rubric(spec).data["total_points"] == 100


@settings(max_examples=60, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("问答：:\n执法证号0123456789时分年月日至严重回避 abc")),
        max_size=300,
    )
)
def test_any_text_grades_within_bounds(text):
    result = grade(text)
    for crit in result["criteria"].values():
        assert crit["points"] is None or 0 <= crit["points"] <= crit["max"]
        for check in crit["checks"]:
            assert all(0 <= s <= e <= len(text) for s, e in check["spans"])
    assert 0 <= result["total"] <= 100
