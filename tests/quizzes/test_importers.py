"""Importers against the real sample files and the project's own small fixtures."""

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lianbing.extensions import db
from quizzes import importers, services
from quizzes.importers import ImportFileError
from quizzes.models import Question, QuestionVersion


def run(data: bytes, filename: str, fmt="auto", skip=False, bank="导入题库"):
    return importers.import_file(bank, filename, data, fmt, skip_invalid=skip)


def question_count():
    return db.session.scalar(select(func.count(Question.id)))


# --- real files -----------------------------------------------------------------


def test_safety_bank_xlsx_imports_same_stem_different_options_with_a_note(app, corpora):
    report = run((corpora / "xlsx" / "safety_manager_bank_2020.xlsx").read_bytes(), "safety.xlsx")
    assert report.ok and report.committed
    assert report.counts() == {"truefalse": 109, "single": 90, "multiple": 50}
    # row 181 repeats row 74's stem, but its option D differs: another question, not a duplicate
    assert report.duplicates == []
    noted = [(i.place, i.note) for i in report.imported if i.note]
    assert noted == [("第 181 行", "题干与已有题目相同，但选项或答案不同，已作为另一道题导入")]
    assert (
        question_count() == 249 and db.session.scalar(select(func.count(QuestionVersion.id))) == 249
    )
    q = db.session.scalar(select(Question).where(Question.stem.like("安全色中的监色表示%")))
    assert (
        q.content["options"][0]["text"] == "通行、安全和提供信息的意思"
        and q.category.path == "第二部分"
    )
    tf = db.session.scalar(select(Question).where(Question.stem.like("当井下或池内的作业人员%")))
    assert (
        tf.stem.startswith("当井下或池内的作业人员感到身体不适时，应立即就地休息")
        and tf.content["answer"] is False
    )


def test_safety_bank_reimport_is_all_duplicates(app, corpora):
    data = (corpora / "xlsx" / "safety_manager_bank_2020.xlsx").read_bytes()
    run(data, "safety.xlsx")
    db.session.commit()
    again = run(data, "safety.xlsx")
    assert len(again.duplicates) == 249 and not again.imported and question_count() == 249


MOODLE = {
    "format_xml_fixture_multichoice.xml": {"single": 1},
    "qtype_essay_testquestion.moodle.xml": {"essay": 1},
    "qtype_match_testquestion.moodle.xml": {"matching": 1},
    "qtype_multichoice_testquestion.moodle.xml": {"multiple": 1},
    "qtype_shortanswer_testquestion.moodle.xml": {"fill": 1},
    "qtype_truefalse_testquestion.moodle.xml": {"truefalse": 1},
}


@pytest.mark.parametrize("name,counts", MOODLE.items())
def test_moodle_samples(app, corpora, name, counts):
    report = run((corpora / "moodle-xml" / name).read_bytes(), name)
    assert report.ok and report.counts() == counts


def test_moodle_multichoice_weights_and_attachment_note(app, corpora):
    report = run(
        (corpora / "moodle-xml" / "qtype_multichoice_testquestion.moodle.xml").read_bytes(), "m.xml"
    )
    content = report.imported[0].data.content
    assert [(o["text"], o["weight"]) for o in content["options"]] == [
        ("Tokyo", 0),
        ("Spain", 0),
        ("London", 0.5),
        ("Barcelona", 0),
        ("Paris", 0.5),
    ]
    greeting = run(
        (corpora / "moodle-xml" / "format_xml_fixture_multichoice.xml").read_bytes(), "g.xml"
    )
    assert (
        "bonjour.mp3" in greeting.imported[0].note
        and greeting.imported[0].data.category == "Default for testhead/Multichoice"
    )


def test_moodle_matching_pairs(app, corpora):
    report = run(
        (corpora / "moodle-xml" / "qtype_match_testquestion.moodle.xml").read_bytes(), "m.xml"
    )
    content = report.imported[0].data.content
    assert (
        content["pairs"][0] == {"left": "frog", "right": "amphibian"} and len(content["pairs"]) == 3
    )
    assert content["distractors"] == ["insect"]


def test_moodle_description_is_skipped_with_a_note(app, corpora):
    parsed = importers.IMPORTERS["moodle-xml"].parse(
        (corpora / "moodle-xml" / "qtype_description_testquestion.moodle.xml").read_bytes(), "d.xml"
    )
    assert parsed.items[0].data is None and "description" in parsed.items[0].note
    # a file holding no question at all is a failure, never a success that imported nothing
    with pytest.raises(ImportFileError) as err:
        run(
            (corpora / "moodle-xml" / "qtype_description_testquestion.moodle.xml").read_bytes(),
            "d.xml",
        )
    assert "没有识别出任何题目" in str(err.value) and "description" in str(err.value)
    assert question_count() == 0


def test_moodle_cloze_is_reported_by_name_and_position(app, corpora):
    report = run(
        (corpora / "moodle-xml" / "format_xml_fixture_multianswer.xml").read_bytes(), "c.xml"
    )
    assert not report.ok and question_count() == 0
    item = report.failed[0]
    assert item.place == "第 2 个 <question>（cloze with images）" and "cloze" in item.reasons[0]


def test_aiken_sample(app, corpora):
    report = run((corpora / "aiken" / "questions.aiken.txt").read_bytes(), "questions.aiken.txt")
    assert report.format == "aiken" and report.counts() == {"single": 2}
    assert report.imported[0].data.content["options"][1] == {
        "text": "Martin Dougiamas",
        "weight": 1.0,
        "feedback": "",
    }


# --- GIFT against the expected JSON beside each sample ------------------------------------


def flat(text):
    return re.sub(r"\s+", "", (text or "").replace("{{1}}", "_____"))


def ftext(obj):
    return (obj or {}).get("text") or ""


def check_mc(data, exp):
    options = data.content["options"]
    assert [o["text"] for o in options] == [c["text"]["text"] for c in exp["choices"]]
    assert [o["weight"] > 0 for o in options] == [
        c["isCorrect"] or bool(c["weight"] and c["weight"] > 0) for c in exp["choices"]
    ]
    assert [o["feedback"] for o in options] == [ftext(c["feedback"]) for c in exp["choices"]]


def check_tf(data, exp):
    c = data.content
    assert c["answer"] == exp["isTrue"]
    # Moodle reads "{TRUE#first#second}" as first = feedback for the wrong answer,
    # second for the right one; the PEG parser calls them trueFeedback and falseFeedback
    # by position.
    first, second = (
        (c["feedback_false"], c["feedback_true"])
        if c["answer"]
        else (c["feedback_true"], c["feedback_false"])
    )
    assert (first, second) == (ftext(exp["trueFeedback"]), ftext(exp["falseFeedback"]))


def check_short(data, exp):
    accepted = [
        c["text"]["text"] for c in exp["choices"] if c["isCorrect"] and c["weight"] in (None, 100)
    ]
    assert data.content["blanks"][0]["answers"] == accepted


def check_matching(data, exp):
    pairs = [
        {"left": p["subquestion"]["text"], "right": p["subanswer"]}
        for p in exp["matchPairs"]
        if p["subquestion"]["text"]
    ]
    assert data.content["pairs"] == pairs
    assert data.content["distractors"] == [
        p["subanswer"] for p in exp["matchPairs"] if not p["subquestion"]["text"]
    ]


CHECKS = {
    "MC": ("single", "multiple"),
    "TF": ("truefalse",),
    "Short": ("fill",),
    "Matching": ("matching",),
    "Essay": ("essay",),
}
CHECKERS = {
    "MC": check_mc,
    "TF": check_tf,
    "Short": check_short,
    "Matching": check_matching,
    "Essay": lambda d, e: None,
}


def gift_names():
    folder = Path(__file__).resolve().parents[2].parent / "shared" / "corpora" / "gift"
    return sorted(p.stem for p in folder.glob("*.gift")) if folder.is_dir() else ["(absent)"]


@pytest.mark.parametrize("name", gift_names())
def test_gift_sample_matches_expected_json(app, corpora, name):
    expected = json.loads((corpora / "gift" / f"{name}.json").read_text())
    parsed = importers.IMPORTERS["gift"].parse(
        (corpora / "gift" / f"{name}.gift").read_bytes(), f"{name}.gift"
    )
    exp_items = [e for e in expected if e["type"] != "Category"]
    assert len(parsed.items) == len(exp_items)
    for item, exp in zip(parsed.items, exp_items):
        if exp["type"] == "Description":
            assert item.data is None and item.note
            continue
        data = item.data
        assert data.qtype in CHECKS[exp["type"]], (item.place, data.qtype)
        assert flat(data.stem) == flat(exp["stem"]["text"])
        assert data.explanation == ftext(exp["globalFeedback"])
        assert data.code == importers.code_from(exp["id"] or exp["title"] or "")
        assert data.tags == (exp["tags"] or [])
        CHECKERS[exp["type"]](data, exp)


def test_gift_category_applies_to_following_questions(app):
    text = "$CATEGORY: $course$/top/法律/大气法\n\n判断：大气法自2016年施行。{T}\n"
    report = run(text.encode(), "a.gift")
    assert report.imported[0].data.category == "法律/大气法"


def test_gift_numerical_tolerance_range_and_weights(app):
    text = "罚款上限是多少万元？{#100:5}\n\n区间{#10..20}\n\n多答案{#=5:0 =%50%4..6}\n"
    items = run(text.encode(), "n.gift").imported
    assert items[0].data.content["answers"] == [{"value": 100.0, "tolerance": 5.0, "weight": 1.0}]
    assert items[1].data.content["answers"] == [{"min": 10.0, "max": 20.0, "weight": 1.0}]
    assert items[2].data.content["answers"][1] == {"min": 4.0, "max": 6.0, "weight": 0.5}


def test_gift_weighted_multiple_choice(app):
    text = "哪些属于？{~%50%甲 ~%50%乙 ~%-100%丙}"
    data = run(text.encode(), "w.gift").imported[0].data
    assert data.qtype == "multiple" and [o["weight"] for o in data.content["options"]] == [
        0.5,
        0.5,
        -1.0,
    ]


def test_gift_missing_closing_brace_is_reported(app):
    report = run("题目{=甲 ~乙\n".encode(), "bad.gift")
    assert (
        not report.ok
        and "右花括号" in report.failed[0].reasons[0]
        and report.failed[0].place.startswith("第 1 题")
    )


# --- the project's own template -----------------------------------------------------

TEMPLATE_HEAD = "编号,题型,题干,选项A,选项B,选项C,选项D,答案,解析,法规依据,难度,分类,标签\n"


def csv_bytes(*rows, encoding="utf-8"):
    return (TEMPLATE_HEAD + "".join(r + "\n" for r in rows)).encode(encoding)


GOOD_ROWS = (
    (
        "E1,单项选择题,1. 环境保护法自何时起施行？,2014年1月1日,2015年1月1日,,,B,,"
        "《环境保护法》第七十条,2,法律/环保法,总则"
    ),
    "E2,多选题,以下属于按日连续处罚情形的有（）,超标排污,拒不改正,,,AB,,《环境保护法》第五十九条,,,",
    "E3,是非题,排污许可是一项行政许可。,,,,,√,,,,,",
    "E4,填空题,环境保护坚持{{1}}、预防为主的原则。,,,,,保护优先|保护优先原则,,《环境保护法》第五条,,,",
    "E5,简答题,简述现场检查笔录的要素。,,,,,时间、地点、人员,,,,,",
    "E6,数值题,按日计罚的起算日为责令改正之日的次日，罚款最高几倍？,,,,,1±0,,,,,",
    "E7,匹配题,请将法律与施行年份配对,环保法 -> 2015,大气法 -> 2016,-> 2000,,,,,,,",
)


def test_own_template_all_types(app):
    report = run(csv_bytes(*GOOD_ROWS), "bank.csv")
    assert report.ok, [(i.place, i.reasons) for i in report.failed]
    assert report.counts() == {
        t: 1 for t in ("single", "multiple", "truefalse", "fill", "essay", "numerical", "matching")
    }
    first = report.imported[0].data
    assert (
        first.stem == "环境保护法自何时起施行？"
        and first.difficulty == 2
        and first.tags == ["总则"]
    )
    assert report.imported[6].data.content["distractors"] == ["2000"]


def test_gbk_csv_is_detected(app):
    report = run(csv_bytes(*GOOD_ROWS, encoding="gbk"), "gbk.csv")
    assert report.ok and "GBK" in report.notes[0] and len(report.imported) == 7


def test_undecodable_csv_says_so(app):
    with pytest.raises(ImportFileError, match="无法识别文件 x.csv 的编码"):
        run(b"\xff\xfe\x00\xd8\x00\xdc\x81" * 10, "x.csv")


def test_wrong_columns_name_the_missing_ones(app):
    with pytest.raises(ImportFileError, match="缺少必需的列：题型、答案"):
        run("问题,说明\n甲,乙\n".encode(), "x.csv")
    assert question_count() == 0


@pytest.mark.parametrize(
    "row,reason",
    [
        ("X1,单选题,题目,甲,乙,,,,,,,,", "答案为空"),
        ("X1,单选题,题目,甲,乙,,,E,,,,,", "E 超出选项范围（共 2 个选项）"),
        ("X1,单选题,题目,甲,乙,,,AB,,,,,", "单选题只能有一个答案"),
        ("X1,论文题,题目,甲,乙,,,A,,,,,", "未知题型“论文题”"),
        ("X1,判断题,题目,,,,,也许,,,,,", "无法识别"),
        ("X1,单选题,,甲,乙,,,A,,,,,", "题干为空"),
        ("X1,单选题,题目,甲,乙,,,A,,,9,,", "难度“9”无效"),
        ("X1,匹配题,题目,甲,乙,,,,,,,,", "应写成“左项 -> 右项”"),
    ],
)
def test_bad_row_fails_whole_file_and_names_the_row(app, row, reason):
    report = run(csv_bytes(GOOD_ROWS[0], row), "bad.csv")
    assert not report.ok and not report.committed and question_count() == 0
    assert report.failed[0].place == "第 3 行" and reason in "；".join(report.failed[0].reasons)
    assert report.items[0].status == "note"


def test_skip_invalid_imports_the_rest(app):
    report = run(
        csv_bytes(GOOD_ROWS[0], "X1,单选题,题目,甲,乙,,,E,,,,,", GOOD_ROWS[1]), "bad.csv", skip=True
    )
    assert (
        report.ok
        and report.committed
        and len(report.imported) == 2
        and report.failed[0].status == "skipped"
    )
    assert question_count() == 2


def test_duplicate_code_in_file_is_reported(app):
    report = run(
        csv_bytes(GOOD_ROWS[0], GOOD_ROWS[0].replace("环境保护法自何时", "另一题干")), "dup.csv"
    )
    assert report.ok and [i.note for i in report.duplicates] == ["编号“E1”已存在"]


# --- unsafe or broken files ------------------------------------------------------------

XXE = (
    b'<?xml version="1.0"?>\n'
    b'<!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<quiz><question type="essay"><name><text>&xxe;</text></name>'
    b"<questiontext><text>x</text></questiontext></question></quiz>"
)
BOMB = (
    b'<?xml version="1.0"?>\n'
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
    b'<quiz><question type="essay"><questiontext><text>&lol3;</text></questiontext>'
    b"</question></quiz>"
)


@pytest.mark.parametrize(
    "data,message",
    [
        (XXE, "外部实体"),
        (BOMB, "实体膨胀"),
        (
            b"<?xml version='1.0'?><quiz><question type='essay'><questiontext><text>abc",
            "XML 格式错误（第 1 行",
        ),
        (b"<html><body/></html>", "根元素应为 <quiz>"),
    ],
)
def test_unsafe_or_broken_xml_is_refused(app, data, message):
    with pytest.raises(ImportFileError, match=message):
        run(data, "x.xml")
    assert question_count() == 0


def test_unknown_moodle_type_fails_by_name(app):
    data = b"<quiz><question type='gapselect'><name><text>g1</text></name></question></quiz>"
    report = run(data, "g.xml")
    assert (
        not report.ok
        and "gapselect" in report.failed[0].reasons[0]
        and report.failed[0].place == "第 1 个 <question>（g1）"
    )


def test_broken_excel_is_refused(app):
    with pytest.raises(ImportFileError, match="无法读取 Excel 文件"):
        run(b"PK\x03\x04 not really a zip", "x.xlsx")


def test_unknown_suffix_is_refused(app):
    with pytest.raises(ImportFileError, match="无法从扩展名"):
        run(b"abc", "x.pdf")


def test_aiken_letter_beyond_options_and_missing_answer(app):
    text = "题一\nA. 甲\nB. 乙\nANSWER: C\n\n题二\nA. 甲\nB. 乙\n"
    report = run(text.encode(), "q.txt", fmt="aiken")
    assert not report.ok and [i.place for i in report.failed] == [
        "第 1 题（第 1 行起）",
        "第 2 题（第 6 行起）",
    ]
    assert "C 超出选项范围" in report.failed[0].reasons[0] and report.failed[1].reasons == [
        "缺少“ANSWER:”行"
    ]


def test_txt_is_detected_as_aiken_or_gift(app):
    assert importers.detect_format("a.txt", b"Q\nA. x\nB. y\nANSWER: A\n") == "aiken"
    assert importers.detect_format("a.txt", b"Q{T}\n") == "gift"


def test_numerical_and_fill_template_answers(app):
    rows = (
        "N1,数值题,罚款倍数？,,,,,12.5±0.5；20~30（50%）,,,,,",
        "F1,填空题,{{1}}与{{2}},,,,,《环境保护法》|环保法；ＰＭ２．５,,,,,",
    )
    report = run(csv_bytes(*rows), "n.csv")
    numeric, fill = (i.data.content for i in report.imported)
    assert numeric["answers"] == [
        {"value": 12.5, "tolerance": 0.5, "weight": 1.0},
        {"min": 20.0, "max": 30.0, "weight": 0.5},
    ]
    assert fill["blanks"] == [
        {"answers": ["《环境保护法》", "环保法"]},
        {"answers": ["ＰＭ２．５"]},
    ]
    assert services.qtypes.get("fill").mark(fill, ["环境保护法", "pm2.5"]) == 1.0


def test_packed_options_with_mixed_separators(app):
    data = (
        "试题类型,题目内容,题目选项,题目答案\n"
        "单选题,12.题干（）,**A.甲**B:乙**C：丙**D、丁,D\n"
        "判断题,（3）判断,**A:正确**B:不正确,B\n"
    ).encode()
    report = run(data, "p.csv")
    single, tf = (i.data for i in report.imported)
    assert single.stem == "题干（）" and [o["text"] for o in single.content["options"]] == [
        "甲",
        "乙",
        "丙",
        "丁",
    ]
    assert tf.stem == "判断" and tf.content["answer"] is False


def test_title_row_above_the_header_is_skipped(app):
    data = (
        "2020年环境执法知识题库,,,\n,,,\n题型,题干,选项A,选项B,答案\n单选题,甲？,甲,乙,A\n单选题,乙？,甲,乙,C\n"
    ).encode("gbk")
    report = run(data, "titled.csv")
    assert [i.place for i in report.items] == [
        "第 4 行",
        "第 5 行",
    ] and "C 超出选项范围" in report.failed[0].reasons[0]


def test_truefalse_letter_beyond_its_one_option_is_refused_not_crashed():
    """Found by hypothesis: a 判断题 row with one option cell and answer B raised IndexError."""
    reasons: list[str] = []
    content = importers.truefalse_content(["正确"], "B", reasons)
    assert content == {"answer": None}
    assert reasons and "超出选项范围" in reasons[0]
    assert importers.truefalse_content([], "B", []) == {"answer": False}
