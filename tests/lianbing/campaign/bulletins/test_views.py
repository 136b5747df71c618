"""Bulletins over HTTP: the board, permissions, submitting, returning, uploads, Word."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from sqlalchemy import func, select

from lianbing.campaign import schedule
from lianbing.campaign.attachments import services as attachments
from lianbing.campaign.bulletins import services as bulletins
from lianbing.campaign.bulletins.models import Bulletin
from lianbing.extensions import db
from lianbing.files.models import StoredFile


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _bulletin(ops_demo, bureau, code="441402", month=7) -> Bulletin:
    return bulletins.find(ops_demo.id, bureau(code).id, date(2017, month, 1))


@pytest.mark.parametrize(
    "username,status",
    [("officer_441402_1", 403), ("trainer", 403), ("admin_441402", 200), ("city_admin", 200)],
)
def test_board_permissions(client, auth, ops_demo, username, status):
    auth.login(username)
    assert client.get(f"/bulletins/{ops_demo.id}/board").status_code == status


def test_city_board_shows_each_county_and_month(client, auth, ops_demo):
    auth.login("city_admin")
    page = client.get(f"/bulletins/{ops_demo.id}/board").get_data(as_text=True)
    assert page.count('data-state="on_time"') == 27
    assert page.count('data-state="late"') == 3 and page.count('data-state="missing"') == 1
    assert 'data-bureau="441481"' in page


def test_county_board_shows_only_its_own_row(client, auth, ops_demo):
    auth.login("admin_441402")
    page = client.get(f"/bulletins/{ops_demo.id}/board").get_data(as_text=True)
    assert 'data-bureau="441402"' in page and 'data-bureau="441403"' not in page


def test_trainer_sees_none_of_the_bulletins(client, auth, ops_demo, bureau):
    b = _bulletin(ops_demo, bureau)
    auth.login("trainer")
    for path in ("/bulletins/", f"/bulletins/b/{b.id}", f"/bulletins/b/{b.id}.docx"):
        assert client.get(path).status_code == 403, path


def test_county_admin_cannot_touch_another_countys_bulletin(client, auth, ops_demo, bureau):
    other = _bulletin(ops_demo, bureau, "441403")
    auth.login("admin_441402")
    assert client.get(f"/bulletins/b/{other.id}").status_code == 403
    edit = f"/bulletins/{ops_demo.id}/{bureau('441403').id}/2017/7"
    assert client.get(edit).status_code == 403
    r = client.post(edit, data={"title": "篡改", "body": "x"})
    assert r.status_code == 403
    assert client.post(f"/bulletins/b/{other.id}/submit").status_code == 403
    db.session.expire_all()
    assert _bulletin(ops_demo, bureau, "441403").title != "篡改"


def test_city_admin_cannot_write_a_countys_bulletin(client, auth, ops_demo, bureau):
    auth.login("city_admin")
    assert client.get(f"/bulletins/{ops_demo.id}/{bureau('441481').id}/2017/8").status_code == 403


def test_late_submission_accepted_and_marked(client, auth, ops_demo, bureau):
    auth.login("admin_441481")
    r = client.post(
        f"/bulletins/{ops_demo.id}/{bureau('441481').id}/2017/8",
        data={"title": "八月简报", "body": "补报"},
    )
    assert r.status_code == 302
    b = bulletins.find(ops_demo.id, bureau("441481").id, date(2017, 8, 1))
    r = client.post(f"/bulletins/b/{b.id}/submit", follow_redirects=True)
    assert "已标记为逾期" in r.get_data(as_text=True)
    db.session.expire_all()
    assert b.status == "submitted" and b.is_late


def test_late_submission_refused_when_configured(client, auth, ops_demo, bureau):
    s = schedule.settings_for(ops_demo)
    schedule.save_settings(
        ops_demo, schedule.SettingsData(20, False, s.bulletin_from, s.bulletin_to, s.summary_due)
    )
    db.session.commit()
    auth.login("admin_441481")
    client.post(
        f"/bulletins/{ops_demo.id}/{bureau('441481').id}/2017/8",
        data={"title": "八月简报", "body": "补报"},
    )
    b = bulletins.find(ops_demo.id, bureau("441481").id, date(2017, 8, 1))
    r = client.post(f"/bulletins/b/{b.id}/submit")
    assert r.status_code == 409 and "不接受逾期提交" in r.get_data(as_text=True)
    db.session.expire_all()
    assert b.status == "draft" and b.submitted_at is None


def test_city_returns_and_county_resubmits(client, auth, ops_demo, bureau):
    b = _bulletin(ops_demo, bureau)
    auth.login("city_admin")
    r = client.post(f"/bulletins/b/{b.id}/return", data={"comment": ""})
    assert r.status_code == 400 and "修改意见" in r.get_data(as_text=True)
    assert (
        client.post(f"/bulletins/b/{b.id}/return", data={"comment": "请补充照片"}).status_code
        == 302
    )
    auth.login("admin_441402")
    assert "请补充照片" in client.get(f"/bulletins/b/{b.id}").get_data(as_text=True)
    assert client.post(f"/bulletins/b/{b.id}/submit").status_code == 302
    db.session.expire_all()
    assert b.status == "submitted" and b.resubmitted_at is not None and not b.is_late


def test_submitted_bulletin_edit_is_a_conflict(client, auth, ops_demo, bureau):
    auth.login("admin_441402")
    r = client.post(
        f"/bulletins/{ops_demo.id}/{bureau('441402').id}/2017/7", data={"title": "改", "body": "x"}
    )
    assert r.status_code == 409 and "不能再修改" in r.get_data(as_text=True)


def test_wrong_upload_type_is_refused_and_nothing_stored(client, auth, ops_demo, bureau):
    before = _count(StoredFile), _count(Bulletin)
    auth.login("admin_441481")
    r = client.post(
        f"/bulletins/{ops_demo.id}/{bureau('441481').id}/2017/8",
        data={
            "title": "八月简报",
            "body": "x",
            "attachments": (io.BytesIO(b"MZ\x90"), "virus.exe"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 400 and "不支持的文件类型 .exe" in r.get_data(as_text=True)
    assert (_count(StoredFile), _count(Bulletin)) == before


def test_oversized_upload_is_refused_and_nothing_stored(client, auth, ops_demo, bureau):
    before = _count(StoredFile), _count(Bulletin)
    big = b"%PDF" + b"0" * (10 * attachments.MB)
    auth.login("admin_441481")
    r = client.post(
        f"/bulletins/{ops_demo.id}/{bureau('441481').id}/2017/8",
        data={"title": "八月简报", "body": "x", "attachments": (io.BytesIO(big), "大文件.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 413 and "超过大小限制 10 MB" in r.get_data(as_text=True)
    assert (_count(StoredFile), _count(Bulletin)) == before


def test_attachment_upload_and_download_are_scoped(client, auth, ops_demo, bureau):
    auth.login("admin_441481")
    client.post(
        f"/bulletins/{ops_demo.id}/{bureau('441481').id}/2017/8",
        data={
            "title": "八月简报",
            "body": "x",
            "attachments": (io.BytesIO(b"%PDF-1.4 demo"), "统计表.pdf"),
        },
        content_type="multipart/form-data",
    )
    b = bulletins.find(ops_demo.id, bureau("441481").id, date(2017, 8, 1))
    file_id = attachments.files_of("bulletin", b.id)[0].id
    assert client.get(f"/bulletins/files/{file_id}").data == b"%PDF-1.4 demo"
    auth.login("admin_441402")
    assert client.get(f"/bulletins/files/{file_id}").status_code == 403
    auth.login("city_admin")
    assert client.get(f"/bulletins/files/{file_id}").status_code == 200


def test_word_exports(client, auth, ops_demo, bureau):
    b = _bulletin(ops_demo, bureau)
    auth.login("city_admin")
    r = client.get(f"/bulletins/b/{b.id}.docx")
    assert r.status_code == 200 and r.mimetype.endswith("wordprocessingml.document")
    assert b.title in [p.text for p in Document(io.BytesIO(r.data)).paragraphs]
    month = f"/bulletins/{ops_demo.id}/2017/7.docx"
    assert 'id="compile-month"' in client.get(month).get_data(as_text=True)
    started = client.post(month)  # the compilation is a background job (inline here)
    assert started.status_code == 303 and started.headers["Location"].startswith("/jobs/")
    r = client.get(started.headers["Location"] + "/download")
    assert r.status_code == 200 and r.mimetype.endswith("wordprocessingml.document")
    texts = [p.text for p in Document(io.BytesIO(r.data)).paragraphs]
    assert sum(1 for t in texts if "2017年7月）" in t) == 8


def test_board_counts_on_time_bulletins_per_month(client, auth, ops_demo):
    auth.login("city_admin")
    page = client.get(f"/bulletins/{ops_demo.id}/board").get_data(as_text=True)
    assert 'data-summary="2017-08">6 / 8<' in page and 'data-summary="2017-06">7 / 8<' in page


def test_bulletin_markdown_is_sanitized(client, auth, ops_demo, bureau):
    auth.login("admin_441481")
    client.post(
        f"/bulletins/{ops_demo.id}/{bureau('441481').id}/2017/8",
        data={
            "title": "八月",
            "body": "**要点**<script>alert(1)</script><img src=x onerror=alert(2)>",
        },
    )
    b = bulletins.find(ops_demo.id, bureau("441481").id, date(2017, 8, 1))
    page = client.get(f"/bulletins/b/{b.id}").get_data(as_text=True)
    assert (
        "<strong>要点</strong>" in page and "<script>alert(1)" not in page and "onerror" not in page
    )


def test_attachment_removed_only_before_submission(client, auth, ops_demo, bureau):
    auth.login("admin_441481")
    client.post(
        f"/bulletins/{ops_demo.id}/{bureau('441481').id}/2017/8",
        data={"title": "八月", "body": "x", "attachments": (io.BytesIO(b"%PDF-1.4"), "a.pdf")},
        content_type="multipart/form-data",
    )
    b = bulletins.find(ops_demo.id, bureau("441481").id, date(2017, 8, 1))
    file_id = attachments.files_of("bulletin", b.id)[0].id
    auth.login("admin_441402")
    assert client.post(f"/bulletins/b/{b.id}/files/{file_id}/delete").status_code == 403
    auth.login("admin_441481")
    assert client.post(f"/bulletins/b/{b.id}/files/{file_id}/delete").status_code == 302
    assert attachments.files_of("bulletin", b.id) == []
    submitted = _bulletin(ops_demo, bureau, "441481", 7)
    assert client.post(f"/bulletins/b/{submitted.id}/files/1/delete").status_code == 409
