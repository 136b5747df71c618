"""Certificate pages: issuing over HTTP, downloads, revoking, the public verification page, and
who may do what (a matrix over the roles)."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select

from lianbing.certificates import pdf, services, views
from lianbing.certificates.models import Certificate
from lianbing.extensions import db


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Certificate))


@pytest.fixture
def issued(campaign, commended, completed, named):
    """An honor certificate of officer_441402_1 (award) and a completion certificate of
    officer_441403_2 (plan), both issued by the city."""
    city = named("city_admin")
    plan = completed("officer_441403_2")
    honor, _ = services.issue(
        campaign,
        city,
        services.Pick(f"award:{commended['award'].id}", f"u:{named('officer_441402_1').id}"),
    )
    study, _ = services.issue(
        campaign, city, services.Pick(f"plan:{plan.id}", f"u:{named('officer_441403_2').id}")
    )
    db.session.commit()
    return {"honor": honor, "study": study}


def test_city_issues_in_bulk_and_again_gets_the_same(client, auth, commended, named):
    picks = [
        f"recommendation:{r.id}|u:{n.user_id}"
        for r, n in zip(commended["recs"], commended["nominations"])
    ]
    auth.login("city_admin")
    r = client.post("/certificates/issue?source=recommendation", data={"picks": picks})
    assert r.status_code == 302 and count() == 2
    r = client.post(
        "/certificates/issue?source=recommendation", data={"picks": picks}, follow_redirects=True
    )
    assert "已颁发 0 张证书，2 张此前已颁发（未重复颁发）" in r.text
    assert count() == 2


def test_an_unqualified_pick_is_refused_and_nothing_is_issued(client, auth, commended, named):
    good = f"award:{commended['award'].id}|u:{named('officer_441402_1').id}"
    bad = f"nomination:{commended['pending'].id}|u:{named('officer_441402_3').id}"
    auth.login("city_admin")
    r = client.post("/certificates/issue?source=award", data={"picks": [good, bad]})
    assert r.status_code == 409 and "没有符合条件的结果" in r.text
    assert count() == 0


def test_the_issue_page_lists_candidates_and_marks_issued_ones(client, auth, issued, named):
    auth.login("city_admin")
    r = client.get("/certificates/issue?source=award")
    assert r.status_code == 200
    assert named("officer_441402_1").display_name in r.text and issued["honor"].serial in r.text
    auth.login("admin_441402")
    r = client.get("/certificates/issue?source=award")
    assert "由市局颁发" in r.text and 'name="picks"' not in r.text


def test_a_county_admin_cannot_issue_honors(client, auth, commended, named):
    auth.login("admin_441402")
    pick = f"award:{commended['award'].id}|u:{named('officer_441402_1').id}"
    r = client.post("/certificates/issue?source=award", data={"picks": [pick]})
    assert r.status_code == 403 and count() == 0


def test_verify_page_valid_unknown_and_revoked(client, auth, issued, named):
    cert = issued["honor"]
    assert pdf.verify_url(cert).endswith(f"/v/{cert.code}")
    r = client.get(f"/v/{cert.code}")  # nobody logged in
    assert r.status_code == 200
    for words in ("该证书真实有效", cert.holder_name, cert.issuer_name, cert.title, cert.serial):
        assert words in r.text
    r = client.get("/v/ABCDEFGH23")
    assert r.status_code == 404 and "未找到编号为" in r.text
    services.revoke(cert, named("city_admin"), "重复颁发")
    db.session.commit()
    r = client.get(f"/v/{cert.code}")
    assert (
        r.status_code == 410 and "被颁发单位撤销，不再有效" in r.text and "重复颁发" not in r.text
    )


def test_guessing_codes_is_throttled(client, monkeypatch, issued):
    monkeypatch.setattr(views, "VERIFY_LIMIT", 3)
    assert [client.get(f"/v/ABCDEFGH2{n}").status_code for n in range(3, 7)] == [404, 404, 404, 429]


def test_an_officer_sees_and_downloads_only_their_own(client, auth, issued, named):
    auth.login("officer_441402_1")
    r = client.get("/certificates/")
    assert issued["honor"].serial in r.text and issued["study"].serial not in r.text
    r = client.get(f"/certificates/{issued['honor'].id}.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    assert client.get(f"/certificates/{issued['study'].id}.pdf").status_code == 404
    archive = zipfile.ZipFile(io.BytesIO(client.get("/certificates/certificates.zip").data))
    assert len(archive.namelist()) == 1


def test_revoke_over_http_needs_a_reason_and_blocks_downloads(client, auth, issued, audits):
    auth.login("city_admin")
    cert_id = issued["honor"].id
    assert client.post(f"/certificates/{cert_id}/revoke", data={"reason": ""}).status_code == 400
    assert (
        client.post(f"/certificates/{cert_id}/revoke", data={"reason": "错发"}).status_code == 302
    )
    assert audits("certificate.revoke") == 1
    assert client.get(f"/certificates/{cert_id}.pdf").status_code == 410


HONOR, STUDY = "honor", "study"
#: (who, method, path, expected status); {honor}/{study} are the issued certificates' ids
MATRIX = [
    (None, "GET", "/certificates/", 302),
    ("trainer", "GET", "/certificates/", 403),
    ("officer_441402_1", "GET", "/certificates/", 200),
    ("admin_441402", "GET", "/certificates/", 200),
    ("city_admin", "GET", "/certificates/", 200),
    ("officer_441402_1", "GET", "/certificates/issue", 403),
    ("trainer", "GET", "/certificates/issue", 403),
    ("admin_441402", "GET", "/certificates/issue", 200),
    ("city_admin", "GET", "/certificates/issue", 200),
    (None, "GET", "/certificates/{honor}.pdf", 302),
    ("trainer", "GET", "/certificates/{honor}.pdf", 403),
    ("officer_441402_1", "GET", "/certificates/{honor}.pdf", 200),
    ("officer_441402_2", "GET", "/certificates/{honor}.pdf", 404),
    ("admin_441402", "GET", "/certificates/{honor}.pdf", 200),
    ("admin_441403", "GET", "/certificates/{honor}.pdf", 404),
    ("admin_441403", "GET", "/certificates/{study}.pdf", 200),
    ("city_admin", "GET", "/certificates/{study}.pdf", 200),
    ("trainer", "GET", "/certificates/certificates.zip", 403),
    ("officer_441402_2", "GET", "/certificates/certificates.zip", 302),  # none: back to list
    ("admin_441402", "GET", "/certificates/certificates.zip", 200),
    ("officer_441402_1", "POST", "/certificates/{honor}/revoke", 403),
    ("trainer", "POST", "/certificates/{honor}/revoke", 403),
    ("admin_441403", "POST", "/certificates/{honor}/revoke", 404),
    ("admin_441403", "POST", "/certificates/{study}/revoke", 403),
    ("city_admin", "POST", "/certificates/{study}/revoke", 302),
    (None, "GET", "/v/{code}", 200),
    ("officer_441402_2", "GET", "/v/{code}", 200),
]


@pytest.mark.parametrize("who, method, path, status", MATRIX, ids=lambda v: str(v))
def test_permission_matrix(client, auth, issued, who, method, path, status):
    url = path.format(honor=issued["honor"].id, study=issued["study"].id, code=issued["honor"].code)
    if who:
        auth.login(who)
    r = client.open(url, method=method, data={"reason": "测试"} if method == "POST" else None)
    assert r.status_code == status, r.text[:300]
