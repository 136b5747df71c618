"""The demo site, visited by each role: which pages it has, and one logged-in browser per role.

The demo is loaded once for the whole package (the tests here only read), so this package
replaces the per-test emptying of tables with one emptying at the end. The pages of a role
are found by crawling with the Flask test client: every GET route without arguments, then
the first link of each other GET route met in the main content of those pages, two levels
deep. A page counts when it answers 200 with HTML for that role (after its redirects: /bulletins/
leads to the current campaign's board).
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from werkzeug.exceptions import HTTPException
from werkzeug.serving import make_server

from lianbing.accounts.demo import DEMO_PASSWORD as PASSWORD
from lianbing.extensions import db
from tests import snapshots
from tests.a11y import visits
from tests.conftest import demo_command

#: who visits: a demo username per role; None is a visitor who has not logged in
ROLES = {
    "public": None,
    "officer": "officer_441402_1",
    "bureau_admin": "admin_441402",
    "trainer": "trainer",
    "city_admin": "city_admin",
}
DEPTH = 2
#: detail pages that read differently for each role (staff manage a quiz, a lesson or an
#: exercise where an officer takes it; the city sees an officer's page with more): looked at
#: for every role that reaches them, not only the first
PER_ROLE = frozenset(
    {
        "quizzes.quiz_detail",
        "quizzes.leaderboard",
        "quizzes.projector",
        "quizzes.bank",
        "quizzes.stats",
        "casestudies.lesson",
        "casestudies.exercise",
        "casestudies.grade",
        "rankings.officer",
    }
)
VENDOR = Path(__file__).parent / "vendor"
MAIN = re.compile(r"<main\b.*?</main>", re.S)
HREF = re.compile(r'href="(/[^"#]*)"')


@dataclass
class Site:
    """The running demo: its base URL, the app, and the pages each role reaches."""

    base: str
    app: object
    pages: dict[str, list[str]] = field(default_factory=dict)
    own: dict[str, list[str]] = field(default_factory=dict)
    #: each role's visit of its pages (visits.visit), made by the first test that reads it
    visits: dict[str, object] = field(default_factory=dict)

    def pages_of(self, role: str) -> list[str]:
        """The role's argument-free pages, and the detail pages (routes with arguments) that
        no role before it in ROLES reached: one look at each detail template is enough."""
        if not self.pages:
            seen: set[str] = set()
            for name, username in ROLES.items():
                self.pages[name], self.own[name] = crawl(self.app, username, seen)
        return self.pages[role]

    def own_views_of(self, role: str) -> list[str]:
        """The PER_ROLE detail pages the role reaches that a role before it looked at already:
        the role's own view of them (a trainer's quiz page manages it, an officer's takes it)."""
        self.pages_of(role)
        return self.own[role]


def _html_ok(response) -> bool:
    return response.status_code == 200 and response.mimetype == "text/html"


def _endpoint(adapter, path: str) -> tuple[str, bool] | None:
    """(endpoint, has arguments) of a GET path, or None when it is no route of ours."""
    try:
        endpoint, args = adapter.match(path.split("?")[0], method="GET")
    except HTTPException:
        return None
    return endpoint, bool(args)


def _start_paths(app) -> list[str]:
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and not r.arguments]
    return sorted(r.rule for r in rules if r.endpoint != "static")


def _links(html: str) -> list[str]:
    main = MAIN.search(html)
    return HREF.findall(main.group(0)) if main else []


def crawl(app, username: str | None, seen: set[str]) -> tuple[list[str], list[str]]:
    """The HTML pages a user reaches: argument-free routes, then one link per other route
    whose endpoint is not in ``seen`` (which grows with the endpoints followed); apart, the
    PER_ROLE pages the user reached again after an earlier user."""
    client = app.test_client()
    if username:
        client.post("/login", data={"username": username, "password": PASSWORD})
    adapter = app.url_map.bind("localhost")
    followed = _Followed(seen)
    found, level = [], _start_paths(app)
    for _ in range(DEPTH + 1):
        following = []
        for path in level:
            response = client.get(path, follow_redirects=True)
            final = response.request.path if response.history else path
            if not _html_ok(response) or final in found:
                continue
            found.append(final)
            following += _new_links(adapter, response.get_data(as_text=True), followed)
        level = following
    return [p for p in found if p not in followed.again], [p for p in found if p in followed.again]


class _Followed:
    """The link endpoints one user's crawl follows: each once over all users, but a PER_ROLE one
    once for every user (the hrefs an earlier user already followed are kept in ``again``)."""

    def __init__(self, shared: set[str]):
        self.shared, self.own, self.again = shared, set(), set()

    def first(self, endpoint: str, href: str) -> bool:
        """Whether this user follows the link to ``endpoint`` (and notes it followed)."""
        if endpoint in PER_ROLE and endpoint not in self.own:
            self.own.add(endpoint)
            if endpoint in self.shared:
                self.again.add(href)
        elif endpoint in self.shared:
            return False
        self.shared.add(endpoint)
        return True


def _new_links(adapter, html: str, followed: _Followed) -> list[str]:
    """Links to routes with arguments not met before (one example per route)."""
    new = []
    for href in _links(html):
        match = _endpoint(adapter, href)
        href = href.replace("&amp;", "&")
        if match and match[1] and followed.first(match[0], href):
            new.append(href)
    return new


@pytest.fixture(scope="package")
def site(app) -> Iterator[Site]:
    """The demo campaign served on a free port for the whole package."""
    with app.app_context():
        snapshots.load("flask_demo", functools.partial(demo_command, app))
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield Site(f"http://127.0.0.1:{server.server_port}", app)
        server.shutdown()
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


class _Cached(SimpleHTTPRequestHandler):
    """Serves the vendored files with a long cache lifetime, so that Chromium compiles
    axe-core once instead of on every page (injected inline, it costs ~0.3 s a page)."""

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=3600")
        super().end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="package")
def axe_url() -> Iterator[str]:
    """The URL of the vendored axe-core, served from a local thread."""
    handler = functools.partial(_Cached, directory=str(VENDOR))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/axe.min.js"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _fresh_database(site):
    """The demo stays for the whole package (it is only read); emptied once at its end."""
    yield


@pytest.fixture
def role_page(chromium, site):
    """role_page(role) -> a page of a fresh context logged in as that role (CSP bypassed, so
    test scripts can be injected)."""
    contexts = []

    def make(role: str):
        context = chromium.new_context(bypass_csp=True, viewport={"width": 1280, "height": 800})
        contexts.append(context)
        page = context.new_page()
        if ROLES[role]:
            _login(page, site.base, ROLES[role])
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def role_visit(site, role_page, axe_url):
    """role_visit(role) -> the role's visits.Visit: made once for the package, then read by
    both the layout and the axe-core test of that role."""

    def get(role: str):
        if role not in site.visits:
            site.visits[role] = visits.visit(role_page(role), site, role, axe_url)
        return site.visits[role]

    return get


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
