"""One visit of every page of a role, read by two checks at once: whether it fits the window
(test_screens) and what axe-core finds on it (test_axe).

Loading a page costs more than either check, so each page is loaded once per window size and
both checks read the same loaded page: on the 390×844 phone every page and the role's own
view of the detail pages (PER_ROLE), axe-core on those with lists that turn into cards
(table.table-cards); on the 1280×800 desktop every page, both checks. The layout is read
before axe-core is injected, and with SCREENSHOTS=<folder> set (``make screenshots``) each
page is saved as <folder>/<role>/<width>x<height>/<page>.png for a reviewer.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SIZES = [PHONE, DESKTOP]

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

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                  resultTypes: ['violations']})
  .then(r => r.violations.map(v => ({
    rule: v.id, impact: v.impact,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')), count: v.nodes.length})))"""


@dataclass
class Visit:
    """What one role's visit found: pages that do not fit, and axe-core's violations."""

    layout: list[str] = field(default_factory=list)
    axe: list[str] = field(default_factory=list)


def file_name(path: str) -> str:
    """A page's path as a file name: /scores/officer/4?campaign=1 → scores_officer_4_campaign_1."""
    return re.sub(r"[^0-9A-Za-z]+", "_", path).strip("_") or "index"


def shots_dir(role: str, size: dict) -> Path | None:
    """Where this role's screenshots at this size go, when SCREENSHOTS names a folder."""
    root = os.environ.get("SCREENSHOTS")
    if not root:
        return None
    folder = Path(root) / role / f"{size['width']}x{size['height']}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def layout_problems(page, path: str) -> list[str]:
    """What does not fit on the loaded page at the current window size (empty when all fits)."""
    problems = []
    if (wider := page.evaluate(OVERFLOW)) > 0:
        problems.append(f"{path} 页面横向溢出 {wider}px")
    for text, left, right in page.evaluate(KEYS_OUTSIDE):
        problems.append(f"{path} 得分/状态「{text}」在窗口外（{left}–{right}px）")
    for box in page.evaluate(SILENT_SCROLLERS):
        problems.append(f"{path} 表格 {box} 可横向滚动，但没有提示或无法用键盘滚动")
    return problems


def axe_problems(page, path: str, axe_url: str) -> list[str]:
    """axe-core's WCAG A/AA violations on the loaded page, one line each: rule, impact, targets."""
    page.add_script_tag(url=axe_url)
    return [
        f"{path}: {v['rule']} ({v['impact']}, {v['count']} 处) {', '.join(v['targets'])}"
        for v in page.evaluate(RUN, TAGS)
    ]


def violations(page, url: str, path: str, axe_url: str) -> list[str]:
    """Load one page and return axe-core's violations on it."""
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{path} → {response.status}"
    return axe_problems(page, path, axe_url)


def visit(page, site, role: str, axe_url: str) -> Visit:
    """Every page of the role at both sizes, each loaded once per size (see the module's text)."""
    found = Visit()
    for size in SIZES:
        page.set_viewport_size(size)
        shots, phone = shots_dir(role, size), size is PHONE
        paths = site.pages_of(role) + (site.own_views_of(role) if phone else [])
        for path in paths:
            response = page.goto(site.base + path)
            if response is None or response.status != 200:
                status = response.status if response else "无响应"
                found.layout.append(f"{size['width']}px {path} → {status}")
                found.axe.append(f"{size['width']}px {path} → {status}")
                continue
            found.layout += [f"{size['width']}px {p}" for p in layout_problems(page, path)]
            if shots:
                page.screenshot(path=str(shots / f"{file_name(path)}.png"), full_page=True)
            if not phone:
                found.axe += axe_problems(page, path, axe_url)
            elif path in site.pages_of(role) and page.locator("table.table-cards").count():
                found.axe += [f"390px {p}" for p in axe_problems(page, path, axe_url)]
    return found
