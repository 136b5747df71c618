"""Question types: validation reasons, marking and what the browser may see."""

import pytest

from quizzes import qtypes
from quizzes.qtypes import QuestionType, RegistryError, build_registry

SINGLE = {"options": [{"text": "甲", "weight": 1}, {"text": "乙"}, {"text": "丙"}]}
MULTI = {
    "options": [
        {"text": "甲", "weight": 0.5},
        {"text": "乙", "weight": 0.5},
        {"text": "丙", "weight": -0.5},
    ]
}


def content(name, data):
    c, reasons = qtypes.check(name, data)
    assert reasons == []
    return c


def test_registry_refuses_duplicates():
    class Dup(QuestionType):
        name = "single"

    with pytest.raises(RegistryError):
        build_registry((qtypes.SingleChoice, Dup))


def test_registry_has_every_issue_type():
    assert set(qtypes.QUESTION_TYPES) == {
        "single",
        "multiple",
        "truefalse",
        "fill",
        "numerical",
        "matching",
        "essay",
    }


def test_unknown_type_is_reported_in_chinese():
    assert qtypes.check("cloze", {})[1] == ["未知题型“cloze”"]


def test_single_marks_and_hides_key():
    c = content("single", SINGLE)
    t = qtypes.get("single")
    assert (
        t.mark(c, 0) == 1.0
        and t.mark(c, 1) == 0.0
        and t.mark(c, 7) == 0.0
        and t.mark(c, True) == 0.0
    )
    assert t.public_view(c) == {"options": ["甲", "乙", "丙"]}
    assert "weight" not in str(t.public_view(c)) and t.key_text(c) == "A"


def test_single_without_key_or_with_two_keys_is_invalid():
    assert qtypes.check("single", {"options": [{"text": "a"}, {"text": "b"}]})[1] == [
        "缺少正确答案"
    ]
    two = {"options": [{"text": "a", "weight": 1}, {"text": "b", "weight": 1}]}
    assert qtypes.check("single", two)[1] == ["单选题须有且只有一个正确答案"]


def test_multiple_partial_credit_and_penalty():
    c = content("multiple", MULTI)
    t = qtypes.get("multiple")
    assert t.mark(c, [0, 1]) == 1.0
    assert t.mark(c, [0]) == 0.5
    assert t.mark(c, [0, 2]) == 0.0
    assert t.mark(c, [0], partial=False) == 0.0
    assert t.mark(c, [1, 0], partial=False) == 1.0
    assert t.key_text(c) == "AB"


def test_multiple_weights_must_sum_to_one():
    bad = {"options": [{"text": "a", "weight": 0.5}, {"text": "b", "weight": 0.2}]}
    assert "正确选项分值之和须为 1" in qtypes.check("multiple", bad)[1][0]


def test_truefalse():
    c = content("truefalse", {"answer": False})
    t = qtypes.get("truefalse")
    assert t.mark(c, False) == 1.0 and t.mark(c, True) == 0.0 and t.mark(c, "false") == 0.0
    assert t.public_view(c) == {}
    assert qtypes.check("truefalse", {})[1]


def test_fill_normalizes_width_space_case_and_book_marks():
    c = content(
        "fill", {"blanks": [{"answers": ["《环境保护法》", "环保法"]}, {"answers": ["PM2.5"]}]}
    )
    t = qtypes.get("fill")
    assert t.mark(c, ["环境保护法", "ｐｍ ２．５"]) == 1.0
    assert t.mark(c, ["环保 法", "pm10"]) == 0.5
    assert t.mark(c, ["环保法", "pm10"], partial=False) == 0.0
    assert t.public_view(c) == {"blanks": 2}


def test_numerical_tolerance_and_range():
    c = content(
        "numerical",
        {
            "answers": [{"value": 10, "tolerance": 0.5}, {"min": 20, "max": 30, "weight": 0.5}],
            "unit": "万元",
        },
    )
    t = qtypes.get("numerical")
    assert t.mark(c, "１０．４") == 1.0 and t.mark(c, 25) == 0.5 and t.mark(c, "abc") == 0.0
    assert t.mark(c, 25, partial=False) == 0.0
    assert t.public_view(c) == {"unit": "万元"}
    assert (
        qtypes.check("numerical", {"answers": [{"min": 3, "max": 1}]})[1][0]
        == "第 1 个答案的下限大于上限"
    )


def test_matching_with_distractors():
    c = content(
        "matching",
        {"pairs": [{"left": "a", "right": "1"}, {"left": "b", "right": "2"}], "distractors": ["0"]},
    )
    t = qtypes.get("matching")
    assert t.public_view(c) == {"lefts": ["a", "b"], "choices": ["0", "1", "2"]}
    assert (
        t.mark(c, ["1", "2"]) == 1.0
        and t.mark(c, ["1", "0"]) == 0.5
        and t.mark(c, ["1", "0"], False) == 0.0
    )


def test_essay_is_manual():
    c = content("essay", {"reference": "要点"})
    assert qtypes.get("essay").mark(c, "答") is None
    assert qtypes.get("essay").public_view(c) == {}


@pytest.mark.parametrize("name", list(qtypes.QUESTION_TYPES))
def test_empty_content_is_invalid_except_essay(name):
    reasons = qtypes.check(name, {})[1]
    assert bool(reasons) == (name != "essay")
