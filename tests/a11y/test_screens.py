"""Every page of every role fits a 390×844 phone and a 1280×800 desktop.

A page passes when the document is no wider than the window (wide tables scroll inside their
own box, with a cue above it and keyboard access) and every score or status cell of a list
(``.col-key``, see app.css "table-cards") that is shown lies inside the window. The pages are
the ones test_axe loads: both read the same visit (visits.py), which also saves screenshots
with SCREENSHOTS=<folder> set (``make screenshots``).
"""

import pytest

from .conftest import PER_ROLE, ROLES
from .visits import PHONE

#: the package's tests share one served demo and one crawl: one xdist worker runs them all
pytestmark = pytest.mark.xdist_group("a11y")


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_page_fits_phone_and_desktop(role_visit, role):
    """Every page at both sizes; on the phone also the role's own view of the detail pages
    that read differently for each role (PER_ROLE)."""
    problems = role_visit(role).layout
    assert not problems, f"{role}：\n" + "\n".join(problems)


def test_key_cells_are_checked(site, role_page):
    """The check above has something to look at: the officer's lists mark their score cells."""
    page = role_page("officer")
    page.set_viewport_size(PHONE)
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
