"""The public column, its feed and the bulletin board are cached under versions kept in the
database: a publication, a disclosure, a submission or a settings change shows at once, in this
worker and in any other."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import event, select

from lianbing import TestingConfig, create_app
from lianbing.accounts.models import Bureau
from lianbing.campaign import schedule
from lianbing.campaign.bulletins import services as bulletins
from lianbing.campaign.column import services as column
from lianbing.campaign.column.models import PenaltyCase
from lianbing.extensions import db


@pytest.fixture
def other_worker(app):
    """Another application on the same database: a worker with its own cache."""
    other = create_app(TestingConfig())
    yield other.test_client()
    with other.app_context():
        db.engine.dispose()


def _publish(campaign_id: int, bureau_id: int, title: str) -> None:
    article = column.save_article(
        None, campaign_id, bureau_id, column.ArticleData(title, "正文"), author_id=None
    )
    column.publish(article)
    db.session.commit()


def _text(client, path: str) -> str:
    r = client.get(path)
    assert r.status_code == 200, path
    return r.get_data(as_text=True)


def test_a_publication_shows_at_once_on_the_cached_column_and_feed(
    client, ops_demo, bureau, other_worker
):
    for c in (client, other_worker):  # both workers hold the pages now
        assert "新发布的文章" not in _text(c, "/column/") + _text(c, "/column/feed.atom")
    _publish(ops_demo.id, bureau("441402").id, "新发布的文章")
    for c in (client, other_worker):
        assert "新发布的文章" in _text(c, "/column/")
        assert "新发布的文章" in _text(c, "/column/feed.atom")


def test_a_disclosure_shows_at_once(client, auth, ops_demo):
    hidden = db.session.scalar(select(PenaltyCase).where(PenaltyCase.is_disclosed.is_(False)))
    name = hidden.enterprise
    assert name not in _text(client, "/column/")
    auth.login("city_admin")
    assert client.post(f"/column/manage/cases/{hidden.id}/disclose").status_code == 302
    assert name in _text(client, "/column/") and name in _text(client, "/column/feed.atom")


def test_a_kept_page_is_served_without_reading_the_articles(client, ops_demo):
    _text(client, "/column/")
    seen = []
    listen = lambda conn, cursor, statement, *rest: seen.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        _text(client, "/column/")
        _text(client, "/column/feed.atom")
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert seen and not any("column_articles" in s for s in seen), seen


def _cell(page: str, code: str, month: str) -> str:
    row = re.search(rf'<tr data-bureau="{code}">(.*?)</tr>', page, re.S).group(1)
    return re.search(rf'data-month="{month}" data-state="(\w+)"', row).group(1)


def test_a_submission_shows_at_once_on_the_cached_board(client, auth, ops_demo, bureau):
    board = f"/bulletins/{ops_demo.id}/board"
    auth.login("city_admin")
    assert _cell(_text(client, board), "441481", "2017-08") == "missing"
    auth.login("admin_441481")
    client.post(
        f"/bulletins/{ops_demo.id}/{bureau('441481').id}/2017/8",
        data={"title": "八月简报", "body": "补报"},
    )
    found = bulletins.find(ops_demo.id, bureau("441481").id, date(2017, 8, 1))
    assert client.post(f"/bulletins/b/{found.id}/submit").status_code == 302
    auth.login("city_admin")
    assert _cell(_text(client, board), "441481", "2017-08") == "late"


def test_settings_and_bureau_names_reach_the_cached_board(client, auth, ops_demo, bureau):
    board = f"/bulletins/{ops_demo.id}/board"
    auth.login("city_admin")
    assert "每月 20 日前报送" in _text(client, board)
    s = schedule.settings_for(ops_demo)
    schedule.save_settings(
        ops_demo, schedule.SettingsData(25, True, s.bulletin_from, s.bulletin_to, s.summary_due)
    )
    db.session.commit()
    assert "每月 25 日前报送" in _text(client, board)
    db.session.scalar(select(Bureau).where(Bureau.code == "441481")).short_name = "兴宁新名"
    db.session.commit()
    assert "兴宁新名" in _text(client, board)
