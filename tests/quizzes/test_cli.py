"""`flask quizzes import|export` through the CLI runner."""

import pytest
from sqlalchemy import func, select

from lianbing.extensions import db
from quizzes import demo, services
from quizzes.models import Question


def test_import_sample_excel_counts_by_type(runner, corpora):
    result = runner.invoke(
        args=[
            "quizzes",
            "import",
            str(corpora / "xlsx" / "safety_manager_bank_2020.xlsx"),
            "--bank",
            "安全题库",
        ]
    )
    assert result.exit_code == 0, result.output
    assert (
        "已导入 249 题到题库“安全题库”（xlsx）：单选题 90，多选题 50，判断题 109" in result.output
    )
    # row 181 shares row 74's stem but not its option D: a different question, imported
    assert "已导入 第 181 行：题干与已有题目相同，但选项或答案不同" in result.output


def test_import_moodle_cloze_fails_nonzero_and_writes_nothing(runner, corpora):
    result = runner.invoke(
        args=[
            "quizzes",
            "import",
            str(corpora / "moodle-xml" / "format_xml_fixture_multianswer.xml"),
            "--bank",
            "M",
        ]
    )
    assert result.exit_code == 1 and "cloze" in result.output and services.bank_by_name("M") is None


def test_import_skip_invalid(runner, tmp_path):
    f = tmp_path / "b.csv"
    f.write_text(
        "题型,题干,选项A,选项B,答案\n单选题,甲?,甲,乙,A\n论文题,乙?,甲,乙,A\n", encoding="gbk"
    )
    assert runner.invoke(args=["quizzes", "import", str(f), "--bank", "B"]).exit_code == 1
    result = runner.invoke(args=["quizzes", "import", str(f), "--bank", "B", "--skip-invalid"])
    assert (
        result.exit_code == 0
        and "已导入 1 题" in result.output
        and "未知题型“论文题”" in result.output
    )


def test_import_unreadable_file_exits_nonzero(runner, tmp_path):
    f = tmp_path / "x.xml"
    f.write_bytes(b"<quiz><question")
    result = runner.invoke(args=["quizzes", "import", str(f), "--bank", "X"])
    assert result.exit_code == 1 and "XML 格式错误" in result.output


@pytest.mark.parametrize(
    "fmt,suffix,left_out", [("xlsx", ".xlsx", 0), ("moodle-xml", ".xml", 1), ("gift", ".gift", 1)]
)
def test_export_then_import_gives_same_counts(runner, tmp_path, fmt, suffix, left_out):
    demo.load_demo(1)
    db.session.commit()
    out = tmp_path / f"demo{suffix}"
    result = runner.invoke(
        args=["quizzes", "export", "--bank", demo.DEMO_BANK, "--format", fmt, "--out", str(out)]
    )
    assert result.exit_code == 0 and out.exists()
    assert (
        result.output.count("多空填空题") == left_out
    )  # {{1}}月{{2}}日 has two blanks: said, not silently dropped
    result = runner.invoke(args=["quizzes", "import", str(out), "--bank", "副本"])
    assert result.exit_code == 0, result.output
    copy = services.count_by_type(services.bank_questions(services.bank_by_name("副本").id))
    original = services.count_by_type(
        services.bank_questions(services.bank_by_name(demo.DEMO_BANK).id)
    )
    assert copy == {**original, "fill": original["fill"] - left_out}


def test_export_unknown_bank_or_category_fails(runner, tmp_path):
    out = tmp_path / "x.gift"
    assert (
        runner.invoke(
            args=["quizzes", "export", "--bank", "无", "--format", "gift", "--out", str(out)]
        ).exit_code
        == 1
    )
    demo.load_demo(1)
    db.session.commit()
    result = runner.invoke(
        args=[
            "quizzes",
            "export",
            "--bank",
            demo.DEMO_BANK,
            "--format",
            "gift",
            "--out",
            str(out),
            "--category",
            "无此分类",
        ]
    )
    assert result.exit_code == 1 and "没有分类" in result.output and not out.exists()


def test_demo_bank_is_idempotent_and_cites_articles(app):
    demo.load_demo(1)
    demo.load_demo(1)
    db.session.commit()
    questions = services.bank_questions(services.bank_by_name(demo.DEMO_BANK).id)
    assert len(questions) >= 60 and db.session.scalar(select(func.count(Question.id))) == len(
        questions
    )
    assert set(services.count_by_type(questions)) == {
        "single",
        "multiple",
        "truefalse",
        "fill",
        "numerical",
        "matching",
        "essay",
    }
    assert all("第" in q.legal_basis and "条" in q.legal_basis for q in questions)


def test_import_with_too_long_bank_name_fails_cleanly(runner, tmp_path):
    f = tmp_path / "b.csv"
    f.write_text("题型,题干,选项A,选项B,答案\n单选题,甲?,甲,乙,A\n", encoding="utf-8")
    result = runner.invoke(args=["quizzes", "import", str(f), "--bank", "库" * 101])
    assert result.exit_code == 1 and "题库名称不能为空，且不超过 100 个字符" in result.output


def _bank_with_question(name: str, owner_bureau_id: int | None, stem: str):
    bank = services.create_bank(name, owner_bureau_id=owner_bureau_id)
    services.create_question(
        bank, services.QuestionData(qtype="truefalse", stem=stem, content={"answer": True})
    )
    return bank


def _export(runner, out, *extra):
    return runner.invoke(
        args=["quizzes", "export", "--bank", "大气法规", "--format", "gift", "--out", str(out)]
        + list(extra)
    )


def test_a_county_bank_is_exported_by_its_name_or_its_owner(runner, tmp_path, demo_people):
    county = services.owner_bureau("梅县区")
    _bank_with_question("大气法规", county, "县局自有题目")
    db.session.commit()
    alone, by_code = tmp_path / "a.gift", tmp_path / "b.gift"
    result = _export(runner, alone)
    assert result.exit_code == 0, result.output
    assert "县局自有题目" in alone.read_text(encoding="utf-8")
    assert _export(runner, by_code, "--owner", "441403").exit_code == 0
    assert "县局自有题目" in by_code.read_text(encoding="utf-8")


def test_a_name_two_owners_share_needs_the_owner(runner, tmp_path, demo_people):
    _bank_with_question("大气法规", None, "市局题目")
    _bank_with_question("大气法规", services.owner_bureau("梅县区"), "县局题目")
    db.session.commit()
    out = tmp_path / "x.gift"
    result = _export(runner, out)
    assert result.exit_code == 2 and not out.exists()
    assert "有 2 个题库名为“大气法规”（市局、梅县区）" in result.stderr
    assert "--owner" in result.stderr
    assert _export(runner, out, "--owner", "市局").exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "市局题目" in text and "县局题目" not in text


def test_an_unknown_owner_or_a_bank_the_owner_lacks_fails(runner, tmp_path, demo_people):
    _bank_with_question("大气法规", None, "市局题目")
    db.session.commit()
    out = tmp_path / "x.gift"
    unknown = _export(runner, out, "--owner", "无此单位")
    assert unknown.exit_code == 1 and "找不到单位“无此单位”" in unknown.stderr
    lacking = _export(runner, out, "--owner", "平远县")
    assert lacking.exit_code == 1 and "平远县没有题库“大气法规”" in lacking.stderr
    assert not out.exists()
