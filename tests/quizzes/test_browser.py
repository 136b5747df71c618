"""Done-when, in a browser: a trainer imports the sample Excel bank and a Moodle XML file, reads
the reports, finds a question by its legal basis, edits it and exports the bank to GIFT; the
same files give the same counts from the command line."""

import re
from pathlib import Path

from quizzes import services

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def import_in_page(page, base_url, bank, path):
    page.goto(f"{base_url}/quizzes/import")
    page.fill("input[name=bank]", bank)
    page.set_input_files("input[name=file]", str(path))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#report-summary")
    return page.inner_text("#report-summary")


def _imports_excel_and_moodle(page, live_server, excel) -> None:
    summary = import_in_page(page, live_server, "培训题库", excel)
    assert (
        "已导入 249 道题" in summary
        and "单选题 90，多选题 50，判断题 109" in summary
        and "重复题未导入" not in summary
    )
    assert "题干与已有题目相同，但选项或答案不同" in page.inner_text("#report-table")

    summary = import_in_page(page, live_server, "培训题库", FIXTURES / "epl_moodle.xml")
    assert "已导入 3 道题" in summary
    assert "说明文字（description）" in page.inner_text("#report-table")


def _finds_by_legal_basis(page):
    page.click("#report-summary a")
    page.fill("input[name=basis]", "第五十九条")
    page.click("#search button[type=submit]")
    rows = page.locator("#questions tbody tr")
    assert rows.count() == 1 and "按日连续处罚" in rows.first.inner_text()
    return rows


def _edits_with_live_preview(page, rows) -> None:
    rows.first.locator("a", has_text="编辑").click()
    page.wait_for_selector("#preview .preview-question")
    assert "责令改正之日的次日" in page.inner_text("#preview")
    page.fill("textarea[name=stem]", "违法排污被责令改正而拒不改正的，按日连续处罚自何时起算？")
    # a locator wait, not wait_for_function: the page's CSP forbids evaluating strings
    page.locator("#preview", has_text="拒不改正的，按日连续处罚自何时起算").wait_for()
    page.click("#question-form button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert "已保存题目 EPL-59" in page.inner_text(".alert-success")


def _exports_gift(page) -> None:
    page.click(".breadcrumb a >> nth=1")
    with page.expect_download() as info:
        page.click("a.export-gift")
    gift = Path(info.value.path()).read_text(encoding="utf-8")
    assert "::EPL-59::" in gift and "按日连续处罚自何时起算？" in gift
    assert (
        len(re.findall(r"^::", gift, re.M)) == 249 + 3
    )  # every question of the bank, one title line each


def test_trainer_imports_finds_edits_and_exports(
    app, demo_people, live_server, browser, login_page, corpora, runner, tmp_path
):
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    login_page(page, live_server, "trainer")
    excel = corpora / "xlsx" / "safety_manager_bank_2020.xlsx"
    _imports_excel_and_moodle(page, live_server, excel)
    rows = _finds_by_legal_basis(page)
    _edits_with_live_preview(page, rows)
    _exports_gift(page)
    cli_counts(runner, excel, FIXTURES / "epl_moodle.xml")


def cli_counts(runner, excel, moodle):
    """The command line reports the same counts for the same files (into a fresh bank)."""
    out = runner.invoke(args=["quizzes", "import", str(excel), "--bank", "命令行题库"]).output
    assert (
        "已导入 249 题" in out
        and "单选题 90，多选题 50，判断题 109" in out
        and "已导入 第 181 行：题干与已有题目相同" in out
    )
    out = runner.invoke(args=["quizzes", "import", str(moodle), "--bank", "命令行题库"]).output
    assert "已导入 3 题" in out and "说明文字（description）" in out
    assert len(services.bank_questions(services.bank_by_name("命令行题库").id)) == 252
