"""Shared fixtures: app, client, runner, a fresh database per test, auth and factories."""

from __future__ import annotations

import functools
import os
import shutil
import socket
import threading
from datetime import date, timedelta

import pytest
from _pytest.nodeid import NodeId
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import Engine, make_url
from werkzeug.serving import make_server

from lianbing import TestingConfig, create_app
from lianbing.accounts import demo as accounts_demo
from lianbing.accounts import services as accounts
from lianbing.accounts.models import Bureau, User
from lianbing.campaign import services as campaigns
from lianbing.campaign.models import Campaign
from lianbing.campaign.schedule import today_local
from lianbing.config import INSTANCE_DIR
from lianbing.extensions import cache, db
from lianbing.rankings import ranking
from tests import snapshots


def _database_per_worker() -> None:
    """Under pytest-xdist each worker gets its own database (a SQLite file, or a PostgreSQL
    database created beside TEST_DATABASE_URL's), so workers never empty each other's tables."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        os.environ["TEST_DATABASE_URL"] = f"sqlite:///{INSTANCE_DIR / f'test_{worker}.db'}"
        return
    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        # a test database is thrown away: commits need not wait for the WAL to reach the disk
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    admin.dispose()
    os.environ["TEST_DATABASE_URL"] = base.set(database=name).render_as_string(hide_password=False)


_database_per_worker()


@event.listens_for(Engine, "connect")
def _sqlite_without_waiting_for_the_disk(dbapi_connection, connection_record) -> None:
    """Test databases are thrown away: SQLite need not flush its WAL to the disk at every
    commit (synchronous=FULL spends ~2 ms a commit in fsync, and the suite commits tens of
    thousands of times). What one connection commits is still seen by the next at once."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Under ``--dist loadgroup``, each ``xdist_group`` on one worker.

    pytest-xdist groups by the suffix it adds to a test's node id (``…::test@a11y``), but pytest
    9.2 keeps the id where pytest-xdist 3.8 no longer writes (pytest-xdist#1386): every group
    was silently spread over all workers, each building the group's shared fixtures again. The
    suffix is added here when pytest-xdist's own did not take."""
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        names = {
            m.args[0] if m.args else m.kwargs.get("name", "default")
            for m in item.iter_markers("xdist_group")
        }
        suffix = "@" + "_".join(sorted(map(str, names)))
        if names and not item.nodeid.endswith(suffix):
            item._id = NodeId.parse(item.nodeid + suffix)


CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = accounts_demo.DEMO_PASSWORD


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app(TestingConfig())
    app.config["FILE_STORAGE_DIR"] = str(tmp_path_factory.mktemp("files"))  # never instance/
    with app.app_context():
        db.drop_all()
        db.create_all()
        snapshots.watch(db.engine)
    yield app


@pytest.fixture(autouse=True)
def _fresh_database(app):
    """Every test starts from empty tables (schema is created once per session) and empty
    caches (rankings are cached by ledger version, and versions restart with the tables)."""
    with app.app_context():
        cache.clear()
        ranking.clear_local()
        snapshots.forget()
        yield
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        # the kept quiz draw plans are keyed by a version the emptied tables start again
        app.extensions.pop("quiz_plans", None)
        snapshots.emptied()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo_people(app):
    """The demo bureaus and people (password ``lianbing-demo``)."""
    snapshots.load("demo_people", accounts_demo.load)


@pytest.fixture
def flask_demo(app):
    """What `flask demo` loads (the command itself is run by tests/lianbing/test_cli.py)."""
    snapshots.load("flask_demo", functools.partial(demo_command, app))


def demo_command(app) -> None:
    """Run `flask demo` and check that it succeeded."""
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def campaign(app):
    """The active campaign, spanning today: begun 150 days ago, ending in 60 days, with the
    2017 plan's stages from its first day (so today falls in its last stage, 总结表扬)."""
    today = today_local()
    start, end = today - timedelta(days=150), today + timedelta(days=60)
    snapshots.load(
        "campaign",
        lambda: campaigns.create_campaign(
            "测试练兵活动",
            today.year,
            start,
            end,
            stages=campaigns.plan_stages(start),
            activate=True,
        ),
    )
    return db.session.scalar(select(Campaign).where(Campaign.name == "测试练兵活动"))


@pytest.fixture
def campaign_2017(app):
    """The 2017 plan's campaign on its own dates (2017-06-01 to 2017-10-31), active: for tests of
    a fixed calendar (bulletin months, due dates, rounds) written against the plan's dates.
    Results recorded in it must be dated inside 2017's campaign."""
    c = campaigns.create_campaign(
        "2017年练兵活动", 2017, date(2017, 6, 1), date(2017, 10, 31), activate=True
    )
    db.session.commit()
    return c


@pytest.fixture
def make_user(app):
    """Factory: make_user(role="officer", bureau_code="441402", username=None, **kw) -> User."""
    counter = {"n": 0}

    def make(role="officer", bureau_code="441402", username=None, **kw) -> User:
        bureau = _bureau(bureau_code)
        counter["n"] += 1
        name = username or f"{role}_{bureau_code}_{counter['n']}"
        user = accounts.create_user(
            accounts.UserData(
                username=name,
                display_name=kw.pop("display_name", f"测试{counter['n']}"),
                role=role,
                bureau_id=bureau.id,
                password=kw.pop("password", PASSWORD),
                **kw,
            )
        )
        db.session.commit()
        return user

    return make


def _bureau(code: str) -> Bureau:
    bureau = db.session.scalar(select(Bureau).where(Bureau.code == code))
    if bureau is None:
        city = accounts.ensure_bureau(*accounts_demo.CITY, "city", None)
        for name, short, ccode in accounts_demo.COUNTIES:
            accounts.ensure_bureau(name, short, ccode, "county", city.id)
        bureau = db.session.scalar(select(Bureau).where(Bureau.code == code))
    return bureau


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = PASSWORD):
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


# --- browser tests ---------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server(app):
    """The app served on a free loopback port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", _free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright driver per test process: a second sync driver cannot start while one
    is open, and a package may keep its own browser open while other tests run."""
    if not CHROMIUM:
        pytest.skip("no Chromium found (apt-get install chromium); browser tests need it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def chromium(playwright_driver):
    """One Chromium per test process (launching one takes a second or more): tests get fresh
    contexts of it, which share no cookies, storage or cache."""
    b = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield b
    b.close()


@pytest.fixture
def browser(chromium):
    """Debian's Chromium driven by Playwright; skipped where Chromium is missing. The contexts
    and pages a test opens are closed after it, so the next test starts from none."""
    yield chromium
    for context in chromium.contexts:
        context.close()


def browser_login(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form."""
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/home")


@pytest.fixture
def login_page():
    """The browser_login function as a fixture: login_page(page, base_url, username)."""
    return browser_login
