"""The city's report to the province at scale: 10,000 officers, 1,000,000 ledger lines.

Figures: building the city's Word document and Excel workbook (every county's figures, the
comparison table, the chart), as the city admin downloads them, beside the bare GROUP BY over
the ledger that the ranking figures use, measured in the same run: the first download pair
(``_first``, the database's pages not yet cached) and the better of two. Goal: < 5 s.
The data comes from the ranking benchmark's generator. BENCH_DATABASE_URL runs it on
PostgreSQL.
"""

from __future__ import annotations

import time

from bench.bench_scoring_rankings import _bare_group_by, _setup
from bench.common import bench_app, line
from lianbing.accounts import demo as accounts_demo
from lianbing.accounts import services as accounts
from lianbing.extensions import db


def _download(client, path: str) -> float:
    start = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (path, response.status_code)
    return elapsed


def main() -> None:
    with bench_app() as app:
        app.config["WTF_CSRF_ENABLED"] = False
        campaign, _ = _setup()
        campaign_id, city_id = campaign.id, accounts.city_bureau().id
        db.session.remove()
        baseline = _bare_group_by(campaign_id)
        client = app.test_client()
        client.post(
            "/login", data={"username": "city_admin", "password": accounts_demo.DEMO_PASSWORD}
        )
        base = f"/report/{campaign_id}/b/{city_id}"
        runs = [_download(client, f"{base}.docx") + _download(client, f"{base}.xlsx")]
        runs.append(_download(client, f"{base}.docx") + _download(client, f"{base}.xlsx"))
        line("report.city_word_and_excel_first", runs[0], "s", baseline, "s (bare GROUP BY)")
        line("report.city_word_and_excel", min(runs), "s", baseline, "s (bare GROUP BY)")


if __name__ == "__main__":
    main()
