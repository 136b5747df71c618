"""The pre-grade against a trainer's verdicts on the labelled corpus (tests/casestudies/corpus).

Forty records of both types written the way officers type them, each with the trainer's
verdict per criterion beside it. The verdicts were written before the engine was tuned.
"""

from pathlib import Path

import pytest

from casestudies.exercises.records import parse_record
from casestudies.rubrics import checks
from casestudies.rubrics import demo as rubrics_demo
from casestudies.rubrics.agreement import agreement, engine_verdict, load_corpus

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
RUBRICS = {
    "inspection": checks.compile_rubric(rubrics_demo.INSPECTION),
    "inquiry": checks.compile_rubric(rubrics_demo.INQUIRY),
}
CASES = load_corpus(CORPUS)


def grade(kind, text):
    return checks.pregrade(RUBRICS[kind], parse_record(text))


def test_corpus_has_forty_records_of_both_types_with_complete_and_flawed_ones():
    kinds = [c.record_type for c in CASES]
    flawed = [c for c in CASES if not all(c.verdicts.values())]
    assert len(CASES) >= 40 and kinds.count("inspection") >= 20 and kinds.count("inquiry") >= 20
    assert 10 <= len(flawed) < len(CASES)
    assert all(1 <= sum(not v for v in c.verdicts.values()) <= 3 for c in flawed)


def test_agreement_with_the_trainer_is_at_least_95_percent_per_criterion():
    result = agreement(CASES, grade)
    low = {k: round(result.rate(k), 1) for k in result.per_criterion if result.rate(k) < 95}
    assert not low, (low, result.disagreements)
    assert result.rate() >= 98


def test_no_false_veto_on_a_record_naming_two_officers_with_certificates():
    vetoed = [c.name for c in CASES if c.verdicts["V1"] and grade(c.record_type, c.text)["vetoed"]]
    assert vetoed == []


def _case(name):
    return next(c for c in CASES if c.name == name)


def test_inline_officers_record_scores_like_its_one_field_per_line_twin():
    lines, inline = _case("i01_lines"), _case("i02_inline_officers")
    assert "检查人：刘某（执法证号 44142217003）、黄某（执法证号 44142217009）" in inline.text
    a, b = grade("inspection", lines.text), grade("inspection", inline.text)
    assert not a["vetoed"] and not b["vetoed"]
    assert a["total"] == b["total"] == 95  # L2 is left to a person
    assert {k: v["points"] for k, v in a["criteria"].items()} == {
        k: v["points"] for k, v in b["criteria"].items()
    }
    officers = [{"name": "刘某", "cert": "44142217003"}, {"name": "黄某", "cert": "44142217009"}]
    assert a["understood"]["officers"] == b["understood"]["officers"] == officers


HEAD = "现场检查笔录\n检查时间：2017年8月2日9时20分至10时35分\n"
LAYOUTS = [
    "检查人：刘某（执法证号 44142217003）、黄某（执法证号 44142217009）",
    "执法人员：刘某（执法证号：44142217003）、黄某（执法证号：44142217009）",
    "执法人员：刘某(执法证号:44142217003), 黄某(执法证号:44142217009)",
    "执法人员：刘某 44142217003、黄某 44142217009",
    "执法人员：刘某　执法证号44142217003；黄某　执法证号44142217009",
    "执法人员：\n刘某　执法证号：44142217003\n黄某　执法证号：44142217009",
    "询问人：\n刘某，执法证号44142217003\n黄某，执法证号44142217009",
    "执法人员：\n姓名：刘某　执法证号：44142217003\n姓名：黄某　执法证号：44142217009",
    "执 法 人 员：刘某、黄某\n执法证号：44142217003、44142217009",
    "【执法人员】刘某（执法证号：44142217003）、黄某（执法证号：44142217009）",
    "执法人员：刘某（执法证号：４４１４２２１７００３）、黄某（执法证号：４４１４２２１７００９）",
    "被检查单位：某公司　执法人员：刘某（执法证号：44142217003）、"
    "黄某（执法证号：44142217009）　记录人：黄某",
]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_two_officers_are_read_in_every_common_layout(layout):
    record = parse_record(HEAD + layout + "\n现场检查情况：\n执法人员出示执法证件。\n")
    assert [o["cert"] for o in record.officers()] == ["44142217003", "44142217009"]
    assert [o["name"] for o in record.officers()] == ["刘某", "黄某"]
    result = grade("inspection", record.text)
    assert engine_verdict(result["criteria"]["V1"]) and not result["vetoed"]


def test_one_certificate_among_two_officers_still_fires_the_veto():
    text = HEAD + "执法人员：萧某（执法证号：44142317027）、丁某\n现场检查情况：\n出示执法证件。\n"
    result = grade("inspection", text)
    assert result["vetoed"] and "只发现 1 名注明执法证号的执法人员" in str(result["criteria"]["V1"])


def test_several_fields_on_one_line_and_signature_with_its_date():
    record = parse_record(
        "负责人：吴某 职务：厂长 电话：13829104417\n当事人签名：吴某　2017年8月2日\n"
    )
    assert record.value("legal_rep") == "吴某" and record.value("contact") == "13829104417"
    assert record.value("party_signature") == "吴某" and record.value("signed_on") == "2017年8月2日"


def test_questions_and_answers_without_colons_are_paired():
    record = parse_record("问 你叫什么名字？\n答 张某。\n问：在哪里工作？\n答：某公司。\n")
    assert record.understood()["qa"] == [
        {"q": "你叫什么名字？", "a": "张某。"},
        {"q": "在哪里工作？", "a": "某公司。"},
    ]
