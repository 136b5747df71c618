"""In a browser, with Redis: the city starts the whole-city export, sees the job's progress bar
while a real worker process (``flask jobs worker``) runs it, and downloads the workbook."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook
from werkzeug.serving import make_server

from lianbing import TestingConfig, create_app
from lianbing.extensions import db
from tests.conftest import _free_port, browser_login

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def rq_site(app, redis_settings):
    """The app (jobs on Redis) on a free port, and a worker process on the same database."""
    site = create_app(TestingConfig())
    site.config.update(redis_settings)
    server = make_server("127.0.0.1", _free_port(), site, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {
        **os.environ,
        **redis_settings,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "worker-of-the-browser-test",
        "FLASK_APP": "wsgi",
    }
    workers = []

    def start_worker() -> None:
        workers.append(
            subprocess.Popen(
                [sys.executable, "-m", "flask", "jobs", "worker"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )

    yield f"http://127.0.0.1:{server.server_port}", start_worker
    for worker in workers:
        worker.terminate()
        worker.wait(timeout=30)
    server.shutdown()
    with site.app_context():
        db.session.remove()
        db.engine.dispose()


def test_city_exports_the_ranking_through_a_worker(browser, rq_site, people, rec, tmp_path):
    rec(people["officer_441402_1"], "quiz", "q", 91)
    rec(people["officer_441403_1"], "quiz", "q", 77)
    base, start_worker = rq_site
    page = browser.new_page()
    browser_login(page, base, "city_admin")
    page.goto(f"{base}/scores/rankings")
    with page.expect_navigation():
        page.click("#export-ranking")
    assert "/jobs/" in page.url
    # no worker yet: the job waits in the queue, the bar is empty, the page polls
    assert page.locator("#job-status").inner_text() == "排队中"
    assert page.locator("#job-progress").is_visible()
    assert page.locator("#job-progress").get_attribute("aria-valuenow") == "0"
    with page.expect_response(lambda r: r.url.endswith("/status.json")):
        pass
    start_worker()
    download_link = page.locator("#job-download")
    download_link.wait_for(timeout=60_000)  # polled (under the CSP), then reloaded when done
    assert page.locator("#job-status").inner_text() == "已完成"
    assert page.locator("#job-progress").get_attribute("aria-valuenow") == "100"
    with page.expect_download() as info:
        download_link.click()
    path = tmp_path / "ranking.xlsx"
    info.value.save_as(path)
    sheet = load_workbook(path).active
    names = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert people["officer_441402_1"].display_name in names
    assert info.value.suggested_filename.endswith("综合排名.xlsx")
    assert _axe_violations(browser, base, page.url) == []


AXE = ROOT / "tests" / "a11y" / "vendor" / "axe.min.js"
RUN_AXE = """() => axe.run(document, {runOnly: {type: 'tag', values:
    ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})
  .then(r => r.violations.map(v => v.id + ' ' + v.nodes.map(n => n.target.join(' ')).join(',')))"""


def _axe_violations(browser, base: str, url: str) -> list[str]:
    """axe-core (vendored for tests/a11y) on the finished job's page, at phone width."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    browser_login(page, base, "city_admin")
    page.goto(url)
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate(RUN_AXE)
    context.close()
    return found
