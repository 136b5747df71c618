"""Law library pages: permissions, import through the form, stable article links."""

from __future__ import annotations

import io

import pytest

from lianbing.host import ROLES

PROTECTED = {
    "/training/laws/import": {"trainer", "city_admin"},
    "/training/laws": set(ROLES),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", sorted(PROTECTED))
def test_permission_matrix(client, login, library, role, path):
    login(role, "441400" if role in ("trainer", "city_admin") else "441402")
    expected = 200 if role in PROTECTED[path] else 403
    assert client.get(path).status_code == expected


def test_law_import_from_text_and_bad_files(login, client):
    login("city_admin", "441400")
    text = (
        "第一章 总则\n"
        "第一条 为防治大气污染，制定本法。\n"
        "第二条 防治大气污染应当以改善大气环境质量为目标。"
    ).encode()
    form = {"code": "APPL2018", "name": "大气污染防治法", "issuer": "全国人大常委会"}
    r = client.post(
        "/training/laws/import",
        data={**form, "file": (io.BytesIO(text), "a.txt")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    assert "改善大气环境质量" in client.get("/training/laws/APPL2018").get_data(as_text=True)
    for name, data, message in [
        ("a.pdf", b"%PDF", "只支持"),
        ("b.txt", "没有条文".encode(), "没有找到任何条文"),
        ("c.txt", "第一条 甲\n第一条 乙".encode(), "重复"),
    ]:
        r = client.post(
            "/training/laws/import",
            data={**form, "file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )
        assert r.status_code == 400 and message in r.get_data(as_text=True), name
    assert "为防治大气污染" in client.get("/training/laws/APPL2018").get_data(as_text=True)


def test_law_import_refuses_an_oversized_file(login, client):
    login("city_admin", "441400")
    big = ("第一条 " + "字" * 100 + "\n").encode() * 20000
    form = {"code": "BIG", "name": "过大的法规", "file": (io.BytesIO(big), "big.txt")}
    r = client.post("/training/laws/import", data=form, content_type="multipart/form-data")
    assert r.status_code == 400 and "不能超过 5 MB" in r.get_data(as_text=True)
    assert client.get("/training/laws/BIG").status_code == 404


def test_article_key_links_to_the_law_page(login, client, library):
    login()
    r = client.get("/training/articles/EPL2014:25")
    assert r.status_code == 302 and r.headers["Location"].endswith("/training/laws/EPL2014#a25")
    assert client.get("/training/articles/EPL2014:999").status_code == 404
