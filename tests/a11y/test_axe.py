"""No page of any role breaks a WCAG 2.0/2.1 level A or AA rule, as axe-core checks them.

axe-core is vendored under vendor/ with its licence (npm package axe-core, MPL-2.0). Each
role visits every page it reaches (see conftest.crawl) on a 1280×800 window; the pages
with lists that turn into cards on a phone (table.table-cards) are checked again at 390×844.
"""

import pytest

from .conftest import ROLES

#: the package's tests share one served demo and one crawl: one xdist worker runs them all
pytestmark = pytest.mark.xdist_group("a11y")

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                  resultTypes: ['violations']})
  .then(r => r.violations.map(v => ({
    rule: v.id, impact: v.impact,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')), count: v.nodes.length})))"""
PHONE = {"width": 390, "height": 844}


def violations(page, url: str, path: str, axe_url: str) -> list[str]:
    """axe-core's WCAG A/AA violations on one page, one line each: rule, impact, targets."""
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{path} → {response.status}"
    page.add_script_tag(url=axe_url)
    found = page.evaluate(RUN, TAGS)
    return [
        f"{path}: {v['rule']} ({v['impact']}, {v['count']} 处) {', '.join(v['targets'])}"
        for v in found
    ]


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_page_meets_wcag_21_aa(site, role_page, axe_url, role):
    pages = site.pages_of(role)
    assert len(pages) >= 3, f"{role} 只找到 {pages}"
    page = role_page(role)
    problems, with_cards = [], []
    for path in pages:
        problems += violations(page, site.base + path, path, axe_url)
        with_cards += [path] if page.locator("table.table-cards").count() else []
    page.set_viewport_size(PHONE)
    for path in with_cards:
        problems += [f"390px {p}" for p in violations(page, site.base + path, path, axe_url)]
    assert not problems, f"{role} 有 {len(problems)} 条无障碍问题：\n" + "\n".join(problems)
