"""Every page of every role fits a 390×844 phone and a 1280×800 desktop.

A page passes when the document is no wider than the window (wide tables scroll inside their
own box, with a cue above it and keyboard access) and every score or status cell of a list
(``.col-key``, see app.css "table-cards") that is shown lies inside the window. With
SCREENSHOTS=<folder> set (``make screenshots``) each page is also saved as
<folder>/<role>/<width>x<height>/<page>.png for a reviewer.
"""

import os
import re
from pathlib import Path

import pytest

from .conftest import PER_ROLE, ROLES

#: the package's tests share one served demo and one crawl: one xdist worker runs them all
pytestmark = pytest.mark.xdist_group("a11y")

SIZES = [{"width": 390, "height": 844}, {"width": 1280, "height": 800}]
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
#: shown key cells whose box is not inside the window: [text, left, right]
KEYS_OUTSIDE = """() => Array.from(document.querySelectorAll('td.col-key, th.col-key'))
  .filter(el => el.closest('tbody, tfoot') && el.getClientRects().length)
  .map(el => [el.textContent.trim().slice(0, 20), el.getBoundingClientRect()])
  .filter(([, r]) => r.left < -0.5 || r.right > window.innerWidth + 0.5)
  .map(([text, r]) => [text, Math.round(r.left), Math.round(r.right)])"""

#: boxes that scroll sideways without a visible cue above them or without keyboard access
SILENT_SCROLLERS = """() => Array.from(document.querySelectorAll('.table-responsive'))
  .filter(box => box.scrollWidth > box.clientWidth + 1 && box.getClientRects().length)
  .filter(box => {
    const cue = box.previousElementSibling;
    const shown = cue && cue.classList.contains('scroll-cue') && !cue.hidden;
    return !shown || box.tabIndex !== 0;
  })
  .map(box => (box.querySelector('table') || box).id || box.className)"""


def file_name(path: str) -> str:
    """A page's path as a file name: /scores/officer/4?campaign=1 → scores_officer_4_campaign_1."""
    return re.sub(r"[^0-9A-Za-z]+", "_", path).strip("_") or "index"


def check(page, base: str, path: str, shots: Path | None) -> list[str]:
    """What does not fit on one page at the current window size (empty when all fits)."""
    response = page.goto(base + path)
    if response is None or response.status != 200:
        return [f"{path} → {response.status if response else '无响应'}"]
    problems = []
    if (wider := page.evaluate(OVERFLOW)) > 0:
        problems.append(f"{path} 页面横向溢出 {wider}px")
    for text, left, right in page.evaluate(KEYS_OUTSIDE):
        problems.append(f"{path} 得分/状态「{text}」在窗口外（{left}–{right}px）")
    for box in page.evaluate(SILENT_SCROLLERS):
        problems.append(f"{path} 表格 {box} 可横向滚动，但没有提示或无法用键盘滚动")
    if shots:
        page.screenshot(path=str(shots / f"{file_name(path)}.png"), full_page=True)
    return problems


def shots_dir(role: str, size: dict) -> Path | None:
    """Where this role's screenshots at this size go, when SCREENSHOTS names a folder."""
    root = os.environ.get("SCREENSHOTS")
    if not root:
        return None
    folder = Path(root) / role / f"{size['width']}x{size['height']}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_page_fits_phone_and_desktop(site, role_page, role):
    """Every page at both sizes; on the phone also the role's own view of the detail pages
    that read differently for each role (PER_ROLE)."""
    page = role_page(role)
    problems = []
    for size in SIZES:
        page.set_viewport_size(size)
        shots = shots_dir(role, size)
        pages = site.pages_of(role) + (site.own_views_of(role) if size is SIZES[0] else [])
        for path in pages:
            problems += [f"{size['width']}px {p}" for p in check(page, site.base, path, shots)]
    assert not problems, f"{role}：\n" + "\n".join(problems)


def test_key_cells_are_checked(site, role_page):
    """The check above has something to look at: the officer's lists mark their score cells."""
    page = role_page("officer")
    page.set_viewport_size(SIZES[0])
    for path in ("/scores/mine", "/quizzes/history"):
        page.goto(site.base + path)
        shown = page.eval_on_selector_all(
            "tbody td.col-key", "els => els.filter(e => e.textContent.trim() && e.offsetWidth)"
        )
        assert shown, f"{path} 没有标出得分/状态列"


def test_detail_pages_that_differ_by_role_are_checked_for_each(site):
    """Staff have their own view of a quiz, its board and projector, a lesson, an exercise: the
    phone check above looks at each role's."""
    adapter = site.app.url_map.bind("localhost")

    def endpoints(role: str) -> set[str]:
        paths = site.pages_of(role) + site.own_views_of(role)
        return {adapter.match(p.split("?")[0], method="GET")[0] for p in paths} & PER_ROLE

    for role in ("officer", "bureau_admin", "trainer", "city_admin"):
        assert {"quizzes.quiz_detail", "quizzes.leaderboard", "casestudies.lesson"} <= endpoints(
            role
        ), role
    assert {"quizzes.projector", "quizzes.stats", "casestudies.grade"} <= endpoints("trainer")
    assert {"quizzes.bank", "rankings.officer"} <= endpoints("city_admin")
    assert site.own_views_of("city_admin") and not site.own_views_of("public")
