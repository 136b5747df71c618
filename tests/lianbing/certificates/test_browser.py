"""In a browser: the city issues certificates to the recommended in bulk, downloads them as a
zip, and anyone (not logged in) opens one's verification page."""

from __future__ import annotations

import io
import zipfile

import pytest

pypdf = pytest.importorskip("pypdf")
PHONE = {"width": 390, "height": 844}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def test_city_issues_downloads_and_verifies(browser, live_server, login_page, commended):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    login_page(page, live_server, "city_admin")
    page.goto(f"{live_server}/certificates/issue?source=recommendation")
    assert page.locator("#candidates input[name=picks]:checked").count() == 3
    with page.expect_navigation():
        page.click("#issue-button")
    assert "已颁发 3 张证书" in page.inner_text(".alert-success")
    serials = page.locator("#certificates tr[data-serial]").evaluate_all(
        "rows => rows.map(r => r.dataset.serial)"
    )
    assert len(serials) == 3
    with page.expect_download() as got:
        page.click("#zip-link")
    archive = zipfile.ZipFile(io.BytesIO(open(got.value.path(), "rb").read()))
    texts = [
        pypdf.PdfReader(io.BytesIO(archive.read(n))).pages[0].extract_text()
        for n in archive.namelist()
    ]
    assert len(texts) == 3 and all(any(s in t for t in texts) for s in serials)
    href = page.locator(f"tr[data-serial='{serials[0]}'] a.verify-link").get_attribute("href")
    page.set_viewport_size(PHONE)  # the lists turn into cards: nothing wider than a phone
    for path in ("/certificates/", "/certificates/issue?source=recommendation", href):
        page.goto(live_server + path)
        assert page.evaluate(OVERFLOW) <= 1, path
    context.close()

    stranger = browser.new_page()  # no login
    stranger.goto(f"{live_server}{href}")
    assert "该证书真实有效" in stranger.inner_text("#verify-result")
    assert serials[0] in stranger.inner_text("#verify-details")
    assert "梅州市生态环境局" in stranger.inner_text("#verify-details")
    stranger.close()
