"""In a real browser, the main pages of every role run under the Content-Security-Policy without
a single violation: every script is our own file or carries the request's nonce."""

from __future__ import annotations

import pytest

ROLE_USERS = {
    "officer": "officer_441402_1",
    "trainer": "trainer",
    "bureau_admin": "admin_441402",
    "city_admin": "city_admin",
}
#: downloads and non-HTML answers (a download aborts page.goto), and pages outside the check
SKIP = (
    ".xlsx",
    ".zip",
    ".pdf",
    ".docx",
    ".atom",
    ".json",
    ".svg",
    "/api/",
    "/logout",
    "/healthz",
    "/files/",
    "/template",
    "/export",
    "/favicon.ico",
)
#: pages with inline scripts (nonce) or former inline handlers, by demo ids
WITH_SCRIPTS = [
    "/training/lessons/1",
    "/quizzes/banks/1/questions/new",
    "/quizzes/questions/1/edit",
    "/casestudies/submissions/1/grade",
    "/casestudies/submissions/1/print",
    "/quizzes/banks/1",
    "/casestudies/rubrics/1",
    "/casestudies/exercises/1/write",
    "/quizzes/manage/1/stats",
]


@pytest.fixture
def site(csrf_site):
    return csrf_site


def _pages(app, role: str) -> list[str]:
    """The role's pages without URL parameters, then the pages with scripts."""
    urls = []
    for rule in app.url_map.iter_rules():
        roles = getattr(app.view_functions[rule.endpoint], "required_roles", ())
        if "GET" in rule.methods and not rule.arguments and role in roles:
            if not rule.endpoint.endswith("static") and not any(s in rule.rule for s in SKIP):
                urls.append(rule.rule)
    return sorted(urls) + WITH_SCRIPTS


def test_no_csp_violation_on_any_roles_main_pages(browser, site, login_page):
    app, base = site
    violations = []
    for role, username in ROLE_USERS.items():
        context = browser.new_context()
        page = context.new_page()
        current = {"url": ""}
        page.on(
            "console",
            lambda msg, current=current, role=role: (
                violations.append(f"{role} {current['url']}: {msg.text[:200]}")
                if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text
                else None
            ),
        )
        page.on("pageerror", lambda err, role=role: violations.append(f"{role} error: {err}"))
        login_page(page, base, username)
        for url in _pages(app, role):
            current["url"] = url
            page.goto(base + url, wait_until="load")
        context.close()
    assert not violations, "\n".join(violations[:30])


def test_an_inline_handler_would_be_reported(browser, site, login_page):
    """The check above can fail: a page with an inline onclick reports a violation."""
    app, base = site
    page = browser.new_page()
    messages = []
    page.on("console", lambda msg: messages.append(msg.text))
    login_page(page, base, "city_admin")
    page.goto(base + "/home")
    page.evaluate(
        "() => { const b = document.createElement('button'); b.setAttribute('onclick', 'x()');"
        " document.body.appendChild(b); b.click(); }"
    )
    page.wait_for_timeout(200)
    assert any("Content Security Policy" in m for m in messages)
    page.close()
