"""Checks that know the language: states, intent, units, ID numbers; patterns under a time limit."""

from copy import deepcopy

import pytest

from casestudies.exercises.records import parse_record
from casestudies.rubrics import checks
from casestudies.rubrics import demo as rubrics_demo
from casestudies.rubrics.language import id_problem

HEAD = (
    "检查时间：2018年3月14日14时05分至15时40分\n"
    "执法人员：张某（执法证号：44140217021）、李某（执法证号：44140217036）\n"
    "现场检查情况：\n"
)


def run(check: dict, body: str, head: str = HEAD) -> dict:
    spec = deepcopy(rubrics_demo.INSPECTION)
    spec["criteria"][0]["checks"] = [check]
    result = checks.pregrade(checks.compile_rubric(spec), parse_record(head + body))
    return result["criteria"]["P1"]["checks"][0]


STATUS = {"type": "status", "subjects": ["production", "facilities"]}


@pytest.mark.parametrize(
    "body",
    [
        "检查时该厂停产，窑炉配套的除尘器风机未开启。",
        "该公司正在生产，污水处理设施正常运行。",
        "检查时正在施工，雾炮机未开启。",
        "该厂未生产，脱硫塔停运。",
        "检查时正在生产。现场未建设废水处理设施。",
    ],
)
def test_production_and_facility_states_are_recognised_with_negations(body):
    assert run(STATUS, body)["passed"]


def test_a_record_without_facility_state_is_flagged_as_a_suggestion():
    out = run(STATUS, "检查时正在生产，车间地面有积水。")
    assert not out["passed"] and out["messages"] == ["未发现：污染防治设施运行状态，请核对"]


@pytest.mark.parametrize("words", ["该公司故意偷排废水", "该场恶意排放粪污", "情节严重"])
def test_intent_and_judgment_are_not_objective(words):
    out = run(rubrics_demo.SUBJECTIVE, f"检查时正在生产。{words}。")
    assert not out["passed"] and "请核对是否为客观记录" in out["messages"][0]


def test_an_interviewees_own_words_are_quoted_but_a_recorders_remark_is_not():
    quoted = run(rubrics_demo.SUBJECTIVE, "问：废水怎么处理的？\n答：就是偷排的，估计每天 5 吨。\n")
    remark = run(rubrics_demo.SUBJECTIVE, "问：有什么影响？\n答：水沟变黑。（态度恶劣）\n")
    leading = run(rubrics_demo.SUBJECTIVE, "问：你们为什么故意偷排？\n答：不是故意的。\n")
    assert quoted["passed"] and not remark["passed"] and not leading["passed"]


def test_penalty_conclusions_but_not_a_prior_penalty_asked_as_a_fact():
    prior = run(rubrics_demo.PENALTY, "问：以前有没有被罚款？\n答：2016年被罚过一次款。\n")
    concluded = run(rubrics_demo.PENALTY, "违法行为成立，应处以十万元以上一百万元以下罚款。")
    assert prior["passed"] and not concluded["passed"]


UNITS = {"type": "units"}


def test_list_numbers_dates_times_codes_are_not_quantities():
    body = (
        "1．该厂正在生产。\n2．拍照8张，采样1瓶（样品编号：MZ2018031401）。\n"
        "（3）企业提供环评批复（梅市环审〔2015〕36号）。\n① 出水 pH 7.2，COD 18 mg/L。\n"
        "一、签名日期 2022.5.27，时间 9:05—10:20，电话 0753-2286514。\n"
    )
    out = run(UNITS, body)
    assert out["passed"], [m for m in out["messages"]]


def test_a_quantity_without_unit_is_flagged_with_its_evidence():
    text = HEAD + "场内堆放废旧电瓶约 300，废机油桶 45。\n"
    spec = deepcopy(rubrics_demo.INSPECTION)
    result = checks.pregrade(checks.compile_rubric(spec), parse_record(text))
    l1 = result["criteria"]["L1"]["checks"][0]
    assert [text[s:e] for s, e in l1["spans"]] == ["300", "45"]


@pytest.mark.parametrize(
    "value, problem",
    [
        ("441402197803124015", ""),
        ("44140219780312401x", "校验位不符（按 GB 11643 应为 5）"),
        ("441426197806183216", "校验位不符（按 GB 11643 应为 4）"),
        ("12345", "应为 18 位"),
        ("441402197813124015", "出生日期不正确"),
    ],
)
def test_id_numbers_are_checked_with_the_gb_11643_check_digit(value, problem):
    assert (problem in id_problem(value)) if problem else id_problem(value) == ""


def _with_pattern(regex: str) -> dict:
    spec = deepcopy(rubrics_demo.INSPECTION)
    spec["criteria"][2]["checks"] = [
        {"type": "mentions", "patterns": [{"label": "出示证件", "regex": regex}]}
    ]
    return spec


@pytest.mark.parametrize("regex", ["(a|aa)+$", "^(a+)+$", "(x+x+)+y"])
def test_a_pattern_that_runs_too_long_is_refused_naming_the_criterion(regex):
    with pytest.raises(checks.RubricError) as err:
        checks.compile_rubric(_with_pattern(regex))
    assert err.value.criterion == "P3" and "P3" in str(err.value) and "运行超过" in str(err.value)


def test_a_pattern_that_cannot_compile_is_refused_naming_the_criterion():
    with pytest.raises(checks.RubricError) as err:
        checks.compile_rubric(_with_pattern("(?<name"))
    assert err.value.criterion == "P3" and "不是有效的正则表达式" in str(err.value)


def test_a_slow_pattern_in_a_stored_rubric_fails_its_check_instead_of_hanging():
    rubric = checks.compile_rubric(_with_pattern("(a|aa)+$"), probe=False)
    result = checks.pregrade(rubric, parse_record(HEAD + "a" * 5000 + "!"))
    p3 = result["criteria"]["P3"]
    assert p3["points"] == 0 and "运行超过" in p3["checks"][0]["messages"][0]
    assert result["criteria"]["P1"]["points"] == 5  # the other criteria are still graded
