"""No page of any role breaks a WCAG 2.0/2.1 level A or AA rule, as axe-core checks them.

axe-core is vendored under vendor/ with its licence (npm package axe-core, MPL-2.0). Each
role visits every page it reaches (see conftest.crawl) on a 1280×800 window; the pages
with lists that turn into cards on a phone (table.table-cards) are checked again at 390×844.
The pages are the ones test_screens loads: both read the same visit (visits.py).
"""

import pytest

from .conftest import ROLES

#: the package's tests share one served demo and one crawl: one xdist worker runs them all
pytestmark = pytest.mark.xdist_group("a11y")


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_page_meets_wcag_21_aa(site, role_visit, role):
    pages = site.pages_of(role)
    assert len(pages) >= 3, f"{role} 只找到 {pages}"
    problems = role_visit(role).axe
    assert not problems, f"{role} 有 {len(problems)} 条无障碍问题：\n" + "\n".join(problems)
