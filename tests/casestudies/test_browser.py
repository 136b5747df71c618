"""The Done-when of issue 6 in a real browser (Chromium through Playwright)."""

from sqlalchemy import select

from casestudies.exercises.models import Exercise, Submission
from lianbing.extensions import db

BODY = (
    "执法人员出示执法证件。检查时电镀车间正在生产，污水处理设施正常运行。"
    "厂区南侧排放口有废水排出，现场采样 2 瓶，拍照 5 张。废水颜色发黄，污染情况严重。"
)


def _set_exercise(page, base):
    page.goto(f"{base}/casestudies/exercises/new")
    page.fill("#title", "浏览器测试：现场检查笔录")
    page.select_option("#record_type", "inspection")
    page.fill("#due_at", "2099-12-31T18:00")
    page.select_option(
        "#rubric_id",
        label=page.locator(
            "#rubric_id option", has_text="现场检查（勘察）笔录评分量表（演示）"
        ).first.inner_text(),
    )
    page.fill("#scenario", "电镀企业双随机检查。")
    page.check("#is_published")
    page.click("button[type=submit]:has-text('保存练习')")
    page.wait_for_url("**/casestudies/exercises/*")
    return page.url.rstrip("/").split("/")[-1]


def _write_record(page, base, ex_id):
    page.on("dialog", lambda d: d.accept())
    page.goto(f"{base}/casestudies/exercises/{ex_id}")
    page.click("text=开始填写笔录")
    for sel, value in (
        ("#f_start_time", "2017-07-20T09:30"),
        ("#f_end_time", "2017-07-20T10:40"),
        ("#f_place", "工业园 3 号厂房电镀车间"),
        ("#f_unit", "某五金电镀有限公司"),
        ("#f_legal_rep", "王某"),
        ("#f_contact", "13800000001"),
        ("#f_recorder", "王志强"),
        ("#f_signed_on", "2017-07-20"),
        ("#body", BODY),
        ("#confirmation", "以上笔录属实。"),
    ):
        page.fill(sel, value)
    page.locator("input[name=officer_name]").nth(1).fill("王志强")
    page.locator("input[name=officer_cert]").nth(1).fill("44142400099")
    page.wait_for_selector("#autosave-status:has-text('草稿已自动保存')")
    page.click("#final-submit")
    page.wait_for_url("**/casestudies/submissions/*")
    return page.url.split("/")[-1]


def _grade_and_release(page, base, sub_id):
    page.goto(f"{base}/casestudies/submissions/{sub_id}/grade")
    bad = page.locator("mark.cs-bad", has_text="严重")
    assert bad.count() == 1 and "A1" in bad.get_attribute("data-criteria")
    assert "未发现：告知申请回避的权利，请核对" in page.locator("[data-key=P4]").inner_text()
    assert "P4 未发现：告知申请回避的权利，请核对" in page.locator(".cs-missing-box").inner_text()
    page.fill("input[name=points_P4]", "2")
    page.fill("input[name=points_C1]", "0")  # the checks passed it; the trainer does not
    page.fill("textarea[name=comment_C1]", "检查地点未写明具体车间位置。")
    page.fill("input[name=points_L2]", "4")
    page.fill("textarea[name=comment_P4]", "未告知申请回避的权利。")
    page.click("text=保存评分")
    page.wait_for_selector("text=评分已保存")
    page.click("#release")
    page.wait_for_selector("text=成绩已发布：81 分")


def test_done_when(browser, live_server, login_page, world):
    base = live_server
    trainer = browser.new_context()
    tpage = trainer.new_page()
    login_page(tpage, base, "trainer")
    ex_id = _set_exercise(tpage, base)

    officer = browser.new_context(viewport={"width": 390, "height": 844})
    opage = officer.new_page()
    login_page(opage, base, "officer_441424_1")
    sub_id = _write_record(opage, base, ex_id)

    _grade_and_release(tpage, base, sub_id)
    _officer_sees_mark_and_asks_regrade(opage, base, sub_id)
    _trainer_answers_regrade(tpage, base, sub_id)
    _officer_sees_new_points(opage, base, sub_id)
    officer.close()
    trainer.close()


def _officer_sees_mark_and_asks_regrade(opage, base, sub_id):
    opage.goto(f"{base}/casestudies/submissions/{sub_id}")
    assert "81" in opage.locator("#final-mark").inner_text()
    assert opage.locator("mark.cs-bad", has_text="严重").count() == 1
    # one verdict: the trainer's, with its comments in place of the automatic suggestions
    assert opage.locator(".cs-missing-box").count() == 0
    comments = opage.locator(".cs-comments-box").inner_text()
    assert "P4 未告知申请回避的权利。" in comments and "C1 检查地点未写明具体车间位置。" in comments
    c1 = opage.locator("[data-key=C1]")
    assert c1.locator(".cs-verdict").inner_text() == "✗" and "0.0/5" in c1.inner_text()
    assert "✓" not in c1.inner_text()
    assert opage.locator("[data-key=P4] .cs-verdict").inner_text() == "△"
    assert opage.locator("[data-key=P1] .cs-verdict").inner_text() == "✓"
    opage.select_option("select[name=criterion]", "P4")
    opage.fill("textarea[name=reason]", "我在现场口头告知过回避。")
    opage.click("text=提交复评申请")
    opage.wait_for_selector("text=复评申请已提交")


def _trainer_answers_regrade(tpage, base, sub_id):
    tpage.goto(f"{base}/casestudies/submissions/{sub_id}")
    tpage.fill(".regrade input[name=points]", "4")
    tpage.fill(".regrade textarea[name=answer]", "口头告知未记入笔录，酌情加分。")
    tpage.click("text=答复复评")
    tpage.wait_for_selector("text=复评已答复")


def _officer_sees_new_points(opage, base, sub_id):
    opage.goto(f"{base}/scores/mine")
    row = opage.locator("#ledger tr", has_text="浏览器测试：现场检查笔录")
    assert "83" in row.inner_text()
    opage.goto(f"{base}/casestudies/submissions/{sub_id}")
    assert "口头告知未记入笔录" in opage.inner_text("body")


def test_inquiry_qa_editor_adds_removes_and_reorders(browser, live_server, login_page, world):
    ex_id = db.session.scalar(select(Exercise.id).where(Exercise.record_type == "inquiry"))
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    login_page(page, live_server, "officer_441424_2")
    page.goto(f"{live_server}/casestudies/exercises/{ex_id}/write")
    for i in range(3):
        if i:
            page.click("#qa-add")
        page.locator(".qa-pair textarea[name=q]").nth(i).fill(f"问题{i + 1}")
        page.locator(".qa-pair textarea[name=a]").nth(i).fill(f"回答{i + 1}")
    page.locator(".qa-pair").nth(2).locator(".qa-up").click()
    page.locator(".qa-pair").nth(0).locator(".qa-remove").click()
    page.wait_for_selector("#autosave-status:has-text('草稿已自动保存')")
    sub = db.session.scalar(
        select(Submission).where(
            Submission.exercise_id == ex_id, Submission.user.has(username="officer_441424_2")
        )
    )
    db.session.refresh(sub)
    assert [p["q"] for p in sub.qa] == ["问题3", "问题2"]


def test_rubric_builder_adds_a_check_from_the_registry(
    browser, live_server, login_page, demo_people
):
    page = browser.new_context().new_page()
    login_page(page, live_server, "trainer")
    page.goto(f"{live_server}/casestudies/rubrics")
    page.fill("#title", "浏览器量表")
    page.fill("#total_points", "5")
    page.click("button:has-text('新建')")
    page.wait_for_url("**/casestudies/rubrics/*")
    page.fill("#key", "A1")
    page.select_option("#standard", "表述准确客观")
    page.fill("#criterion-form #title", "不用主观词")
    page.fill("#max_points", "5")
    page.fill("#levels", "5|无主观词\n0|有主观词")
    page.locator(".cs-add-check").nth(4).click()  # forbidden terms
    assert '"type": "forbidden"' in page.input_value("#checks")
    page.click("text=保存评分标准")
    page.wait_for_selector("text=评分标准已保存")
    assert "不得出现的用语" in page.inner_text("body")
    page.click("details summary")
    page.fill("details textarea[name=text]", "现场检查情况：\n情况好像严重。")
    with page.expect_navigation():
        page.click("details button:has-text('试评')")
    assert page.locator("#trial mark.cs-bad").count() == 2


def test_writing_on_a_phone_reads_the_scenario_in_place_and_counts_only_the_record(
    browser, live_server, login_page, world
):
    exercise = db.session.scalar(select(Exercise).where(Exercise.record_type == "inquiry"))
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    login_page(page, live_server, "officer_441424_3")
    page.goto(f"{live_server}/casestudies/exercises/{exercise.id}/write")
    scenario = page.locator("details#scenario")
    form_top = page.locator("#record-form").bounding_box()["y"]
    assert scenario.bounding_box()["y"] < form_top and not scenario.evaluate("d => d.open")
    page.click("details#scenario > summary")
    assert scenario.evaluate("d => d.open")
    shown = scenario.inner_text()
    assert exercise.scenario.split()[0][:8] in shown
    page.fill("#f_place", "某某公司二号车间")  # header fields do not count
    page.fill("#body", "执法人员出示执法证件")
    page.locator(".qa-pair textarea[name=q]").first.fill("你叫什么名字")
    page.locator(".qa-pair textarea[name=a]").first.fill("张三")
    page.fill("#confirmation", "以上属实")
    written = len("执法人员出示执法证件") + len("你叫什么名字") + len("张三") + len("以上属实")
    assert page.locator("#record-count .count").inner_text() == str(written)
