"""A keyboard user answers a quiz on a phone: every control shows a focus ring of at least
3:1 against the page, and the control reached with Tab or Shift+Tab is never under the
quiz's sticky header."""

import re

import pytest

from .visits import violations

#: the package's tests share one served demo and one crawl: one xdist worker runs them all
pytestmark = pytest.mark.xdist_group("a11y")

PHONE = {"width": 390, "height": 844}
#: the focused element: its box against the sticky header's bottom, its outline, and the
#: colour behind it (the first ancestor with an opaque background)
FOCUS = """() => {
  const el = document.activeElement, header = document.querySelector('main .sticky-top');
  const box = el.getBoundingClientRect(), style = getComputedStyle(el);
  let under = el.parentElement, bg = 'rgb(255, 255, 255)';
  for (; under; under = under.parentElement) {
    const c = getComputedStyle(under).backgroundColor;
    if (c.startsWith('rgb(')) { bg = c; break; }
  }
  return {tag: el.tagName, name: el.name || el.id || el.textContent.trim().slice(0, 12),
          top: box.top, headerBottom: header.getBoundingClientRect().bottom,
          inPaper: !!el.closest('#paper, #submit-form'), outline: style.outlineStyle,
          width: parseFloat(style.outlineWidth), color: style.outlineColor, background: bg,
          padding: getComputedStyle(document.documentElement).scrollPaddingTop};
}"""


def luminance(rgb: str) -> float:
    """Relative luminance (WCAG 2.1) of a CSS rgb()/rgba() colour."""
    r, g, b = (int(v) / 255 for v in re.findall(r"[\d.]+", rgb)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def start_a_quiz(page, base: str) -> str:
    """Open the first quiz the officer may start now; returns the attempt page's path."""
    page.goto(f"{base}/quizzes/play/")
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    texts = []
    for href in dict.fromkeys(h for h in hrefs if re.fullmatch(r"/quizzes/q/\d+", h)):
        page.goto(base + href)
        start = page.locator("form[action$='/start'] button[type=submit]")
        if start.count():
            with page.expect_navigation():
                start.click()
            if re.search(r"/quizzes/attempt/\d+$", page.url):
                return page.url.removeprefix(base)
            texts.append(f"{href}: {page.inner_text('main')[:80]}")
    raise AssertionError(f"演示数据中没有可开始的测验：{hrefs} {texts}")


def focus_problems(f: dict) -> list[str]:
    """Where the focused element is hidden by the header or its ring is too faint."""
    where = f"{f['tag']} {f['name']}"
    problems = []
    if f["top"] < f["headerBottom"] - 1:
        problems.append(
            f"{where} 被顶部答题栏遮住（{f['top']:.0f} < {f['headerBottom']:.0f}，{f['padding']}）"
        )
    if f["outline"] == "none" or f["width"] < 2:
        problems.append(f"{where} 没有清晰的焦点框（{f['outline']} {f['width']}px）")
    elif (ratio := contrast(f["color"], f["background"])) < 3:
        problems.append(f"{where} 焦点框对比度 {ratio:.2f}:1")
    return problems


#: resolves when the window has not scrolled for three frames (Bootstrap scrolls smoothly)
SETTLED = """() => new Promise(done => {
  let last = -1, still = 0;
  (function frame() {
    still = window.scrollY === last ? still + 1 : 0;
    last = window.scrollY;
    still >= 3 ? done() : requestAnimationFrame(frame);
  })();
})"""


def walk(page, key: str) -> list[dict]:
    """Press key until focus leaves the paper and its submit form; the focused elements."""
    seen = []
    for _ in range(200):
        page.keyboard.press(key)
        page.evaluate(SETTLED)
        focused = page.evaluate(FOCUS)
        if not focused["inPaper"]:
            return seen
        seen.append(focused)
    raise AssertionError(f"按 {key} 200 次仍未离开试卷")


def test_quiz_by_keyboard_on_a_phone(site, role_page, axe_url):
    page = role_page("officer")
    page.set_viewport_size(PHONE)
    take = start_a_quiz(page, site.base)
    assert violations(page, site.base + take, take, axe_url) == []
    page.focus("#paper input, #paper textarea")
    forward = walk(page, "Tab")
    page.focus("#submit-btn")
    backward = walk(page, "Shift+Tab")
    assert len(forward) >= 3 and len(backward) >= 3, (forward, backward)
    problems = [f"Tab: {p}" for f in forward for p in focus_problems(f)]
    problems += [f"Shift+Tab: {p}" for f in backward for p in focus_problems(f)]
    assert not problems, "\n".join(problems)
