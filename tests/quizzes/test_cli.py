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
