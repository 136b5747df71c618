"""Done-when, in a browser: the city bulletin board, a cross-inspection round, the public column."""

from __future__ import annotations

from sqlalchemy import select

from lianbing.campaign.drills.models import DrillRound
from lianbing.extensions import db


def _assert_bulletin_board(page, live_server, campaign_id) -> None:
    page.goto(f"{live_server}/bulletins/{campaign_id}/board")
    board = page.locator("#bulletin-board")
    assert board.locator("tbody tr").count() == 8
    assert (
        board.locator('tr[data-bureau="441402"] td[data-month="2017-06"]').inner_text().strip()
        == "按时"
    )
    assert (
        board.locator('tr[data-bureau="441403"] td[data-month="2017-07"]').inner_text().strip()
        == "逾期"
    )
    assert (
        board.locator('tr[data-bureau="441481"] td[data-month="2017-08"]').inner_text().strip()
        == "未报"
    )
    assert (
        board.locator('tr[data-bureau="441422"] td[data-month="2017-08"]').inner_text().strip()
        == "退回"
    )


def _assert_cross_inspection_round(page, live_server, campaign_id, round_id) -> None:
    page.goto(f"{live_server}/drills/{campaign_id}")
    with page.expect_navigation():
        page.click(f"a[href='/drills/rounds/{round_id}']")
    assert page.locator("#team-table tbody tr").count() == 8
    with page.expect_navigation():
        page.locator("#team-table a", has_text="第1检查组").click()
    reports = page.locator("#report-list .card")
    assert reports.count() == 2
    assert "梅县区华达陶瓷有限公司" in reports.first.inner_text()


def _assert_public_column(browser, live_server) -> None:
    """Anyone, not logged in, reads the published articles."""
    anonymous = browser.new_context(viewport={"width": 390, "height": 844})
    public = anonymous.new_page()
    public.goto(f"{live_server}/column/")
    assert public.url == f"{live_server}/column/"
    titles = public.locator("#public-articles .fw-bold").all_inner_texts()
    assert sorted(titles) == sorted(
        [
            "梅江区开展夜间突击检查 严查废气偷排",
            "梅县区以案释法 提升笔录制作水平",
            "五华县交叉检查发现问题全部整改到位",
        ]
    )
    with public.expect_navigation():
        public.locator("#public-articles a").first.click()
    assert public.locator("article h1").inner_text() == titles[0]
    anonymous.close()


def test_board_round_and_public_column(browser, live_server, login_page, ops_demo):
    round_id = db.session.scalar(select(DrillRound.id).where(DrillRound.kind == "cross_inspection"))
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    login_page(page, live_server, "city_admin")
    _assert_bulletin_board(page, live_server, ops_demo.id)
    _assert_cross_inspection_round(page, live_server, ops_demo.id, round_id)
    context.close()
    _assert_public_column(browser, live_server)
