"""Campaign operations: the city's bulletin board, the timeliness measure and the public column.

Scale: the 8 demo counties, 12 bulletin months all filed (96 bulletins), 300 published
articles and 150 disclosed penalty cases. Baselines are measured in the same run: the host's
campaign list page (same layout, one query) and a bare ``SELECT count(*)``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from bench.common import bench_app, best_of, line
from lianbing.accounts import demo as accounts_demo
from lianbing.accounts import services as accounts
from lianbing.campaign import schedule
from lianbing.campaign.bulletins import services as bulletins
from lianbing.campaign.bulletins.models import Bulletin
from lianbing.campaign.column import services as column
from lianbing.cli import load_campaign_demo
from lianbing.dbtypes import local_to_utc
from lianbing.extensions import db

REQUESTS = 60


def _data() -> int:
    accounts_demo.load()
    campaign = load_campaign_demo()
    schedule.save_settings(
        campaign,
        schedule.SettingsData(20, True, date(2017, 1, 1), date(2017, 12, 1), date(2017, 10, 8)),
    )
    for bureau in accounts.county_bureaus():
        for month in range(1, 13):
            if bulletins.find(campaign.id, bureau.id, date(2017, month, 1)) is None:
                b = bulletins.save_draft(
                    campaign,
                    bureau.id,
                    date(2017, month, 1),
                    bulletins.BulletinData(f"{month}月简报", "正文"),
                    author_id=None,
                )
                bulletins.submit(b, campaign, now=local_to_utc(datetime(2017, month, 10, 9)))
    bureau_id = accounts.county_bureaus()[0].id
    for n in range(300):
        article = column.save_article(
            None, campaign.id, bureau_id, column.ArticleData(f"文章{n}", "正文"), author_id=None
        )
        column.publish(article)
    for n in range(150):
        column.add_case(
            campaign.id,
            column.CaseData(f"企业{n}", "违法", "依据", "决定", date(2017, 8, 1)),
            disclose=True,
        )
    db.session.commit()
    return campaign.id


def _rate(client, path: str) -> float:
    """Requests per second for GET path (best of three rounds)."""

    def run():
        for _ in range(REQUESTS):
            assert client.get(path).status_code == 200, path

    return REQUESTS / best_of(run)


def main() -> None:
    with bench_app() as app:
        campaign_id = _data()
        client = app.test_client()
        client.post(
            "/login", data={"username": "city_admin", "password": accounts_demo.DEMO_PASSWORD}
        )
        baseline = _rate(client, "/campaigns/")
        line(
            "campaign.bulletin_board_page",
            _rate(client, f"/bulletins/{campaign_id}/board"),
            "req/s",
            baseline,
            "req/s (campaign list page)",
        )
        line(
            "campaign.public_column_page",
            _rate(app.test_client(), "/column/"),
            "req/s",
            baseline,
            "req/s (campaign list page)",
        )
        line(
            "campaign.atom_feed",
            _rate(app.test_client(), "/column/feed.atom"),
            "req/s",
            baseline,
            "req/s (campaign list page)",
        )
        count = lambda: db.session.scalar(select(func.count()).select_from(Bulletin))  # noqa: E731
        line(
            "campaign.bulletin_timeliness",
            best_of(lambda: bulletins.bulletin_timeliness(campaign_id), 5) * 1000,
            "ms",
            best_of(count, 5) * 1000,
            "ms (SELECT count(*))",
        )


if __name__ == "__main__":
    main()
