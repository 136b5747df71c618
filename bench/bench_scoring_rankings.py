"""Rankings at scale: 10,000 officers, 1,000,000 ledger rows.

Figures: the city ranking page (top 100 plus the viewer's row) and a bureau ranking page,
server time cold (caches emptied) and warm, each beside one bare GROUP BY over the ledger
measured in the same run; and the full Excel export. Goals: cold < 500 ms, warm < 50 ms,
export < 10 s. BENCH_DATABASE_URL runs it on PostgreSQL.
"""
from __future__ import annotations

import time
from datetime import date, datetime, timezone

from sqlalchemy import JSON, Float, String, case, cast, func, insert, literal, select, true
from sqlalchemy import text as text_clause

from bench.common import bench_app, best_of, line, median
from lianbing.accounts import demo as accounts_demo
from lianbing.accounts import services as accounts
from lianbing.accounts.models import User
from lianbing.campaign import services as campaigns
from lianbing.dbtypes import UTCDateTime
from lianbing.extensions import cache, db
from lianbing.scoring import expected, ranking, totals
from lianbing.scoring.models import ScoreEntry

OFFICERS = 10_000
ROWS = 1_000_000
KINDS = {"quiz": 100.0, "competition": 100.0, "study": 10.0, "lecture": 5.0, "case_lesson": 20.0,
         "record_exercise": 30.0, "award": 10.0}
T0 = datetime(2017, 6, 15, tzinfo=timezone.utc)


def _bureaus() -> list[int]:
    city = accounts.ensure_bureau(*accounts_demo.CITY, "city", None)
    ids = [accounts.ensure_bureau(n, s, c, "county", city.id).id for n, s, c in accounts_demo.COUNTIES]
    for role, name, bureau in (("city_admin", "city_admin", city.id), ("bureau_admin", "admin_441402", ids[0])):
        accounts.create_user(accounts.UserData(name, name, role, bureau, password=accounts_demo.DEMO_PASSWORD))
    db.session.commit()
    return ids


def _officers(bureau_ids: list[int]) -> None:
    rows = [{"username": f"o{i:05d}", "display_name": f"执法{i:05d}", "password_hash": "x", "role": "officer",
             "bureau_id": bureau_ids[i % len(bureau_ids)], "is_active": True, "created_at": T0}
            for i in range(OFFICERS)]
    db.session.execute(User.__table__.insert(), rows)
    db.session.commit()


def _numbers(count: int):
    """A recursive CTE of the integers 0 .. count-1 (portable: SQLite and PostgreSQL)."""
    n = select(literal(0).label("i")).cte("n", recursive=True)
    return n.union_all(select(n.c.i + 1).where(n.c.i < count - 1))


def _achieved(minutes):
    """T0 + minutes, as the naive UTC value UTCDateTime stores, computed in SQL."""
    if db.engine.dialect.name == "postgresql":
        return text_clause("timestamp '2017-06-15 00:00:00'") + minutes * text_clause("interval '1 minute'")
    return func.datetime("2017-06-15 00:00:00", literal("+") + cast(minutes, String) + literal(" minutes"))


def _ledger(campaign_id: int) -> None:
    """ROWS ledger rows in one INSERT ... SELECT (officers × a numbers CTE; record() would take hours).

    Points are a deterministic hash of (user, n): 0..100 % of the kind's maximum.
    """
    n = _numbers(ROWS // OFFICERS)
    u = User.__table__.c
    slot = n.c.i % len(KINDS)
    kind = case(*((slot == pos, name) for pos, name in enumerate(KINDS)))
    top = case(*((slot == pos, int(value)) for pos, value in enumerate(KINDS.values())))
    hashed = (u.id * 7919 + n.c.i * 104_729 + u.id * n.c.i * 31) % 101
    rows = (select(literal(campaign_id), u.id, kind, kind + literal(":") + cast(n.c.i, String),
                   kind + literal(" ") + cast(n.c.i, String), top * hashed / 100.0, cast(top, Float),
                   _achieved((u.id * 37 + n.c.i * 1499) % 150_000), literal(T0, UTCDateTime()),
                   literal({}, JSON()))
            .select_from(User.__table__).join(n, true()).where(u.role == "officer"))
    db.session.execute(insert(ScoreEntry).from_select(
        ["campaign_id", "user_id", "kind", "ref", "title", "points", "max_points", "achieved_at", "updated_at",
         "detail"], rows))
    totals.rebuild(campaign_id)  # bulk loads bypass record(), so the per-kind sums are rebuilt
    db.session.commit()


def _setup():
    campaign = campaigns.create_campaign("基准活动", 2017, date(2017, 6, 1), date(2017, 10, 31), activate=True)
    bureau_ids = _bureaus()
    started = time.perf_counter()
    _officers(bureau_ids)
    _ledger(campaign.id)
    for n in range(3):  # assigned quizzes nobody took: the missed-activity query has work to do
        expected.declare(campaign.id, expected.ExpectedData("quiz", f"assigned:{n}", f"必考 {n}", 100, T0))
    db.session.commit()
    print(f"   generated {OFFICERS} officers, {ROWS} ledger rows in {time.perf_counter() - started:.1f} s", flush=True)
    return campaign, bureau_ids


def _bare_group_by(campaign_id: int) -> float:
    stmt = (select(ScoreEntry.user_id, func.sum(ScoreEntry.points)).where(ScoreEntry.campaign_id == campaign_id)
            .group_by(ScoreEntry.user_id))
    return best_of(lambda: db.session.execute(stmt).all(), 3)


def _timed_get(client, path: str, *, cold: bool) -> float:
    if cold:
        cache.clear()
        ranking.clear_local()
    start = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (path, response.status_code)
    return elapsed


def _page_figures(app, name: str, user: str, path: str, baseline: float) -> None:
    client = app.test_client()
    client.post("/login", data={"username": user, "password": accounts_demo.DEMO_PASSWORD})
    cold = min(_timed_get(client, path, cold=True) for _ in range(3))
    warm = median([_timed_get(client, path, cold=False) for _ in range(10)])
    line(f"scoring.{name}_cold", cold * 1000, "ms", baseline * 1000, "ms (bare GROUP BY)")
    line(f"scoring.{name}_warm", warm * 1000, "ms", baseline * 1000, "ms (bare GROUP BY)")


def main() -> None:
    with bench_app() as app:
        app.config["WTF_CSRF_ENABLED"] = False
        campaign, bureau_ids = _setup()
        campaign_id = campaign.id
        db.session.remove()
        baseline = _bare_group_by(campaign_id)
        _page_figures(app, "city_ranking_page", "city_admin", "/scores/rankings", baseline)
        _page_figures(app, "bureau_ranking_page", "admin_441402", f"/scores/rankings/bureau/{bureau_ids[0]}", baseline)
        client = app.test_client()
        client.post("/login", data={"username": "city_admin", "password": accounts_demo.DEMO_PASSWORD})
        export = _timed_get(client, "/scores/rankings.xlsx", cold=True)
        line("scoring.full_excel_export", export, "s", baseline, "s (bare GROUP BY)")


if __name__ == "__main__":
    main()
