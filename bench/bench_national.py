"""National scale on PostgreSQL: 100,000 officers in 31 provinces × 10 cities × 5 counties and
10,000,000 ledger lines, generated server-side (INSERT … SELECT generate_series).

Opt-in, because generating takes minutes: ``BENCH_NATIONAL=1`` (``keep``: keep the data
afterwards and reuse it on the next run) with ``BENCH_DATABASE_URL`` pointing at PostgreSQL;
``BENCH_NATIONAL_SCALE=0.01`` shrinks the officers and lines (a quick try of the generator).

Figures, each beside a bare query over the same rows measured in the same run:
- a city's ranking page (its admin, ~320 officers ranked within the city), cold and warm;
  goals: cold < 1 s, warm < 20 ms; beside a bare GROUP BY of the city's ledger lines;
- a county's page (ranked within its city), a province's page (~3,200 officers ranked
  within the province) and the national page (all 100,000), cold and warm;
- the full Excel export of the national ranking in a fresh worker process (cold: ranking built,
  then written by openpyxl's write-only mode), goal < 30 s, beside a bare GROUP BY of the whole
  ledger; and that worker's peak memory (ru_maxrss), goal < 300 MB, beside its peak before
  the export (the app loaded and signed in).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy import func, select, text

from bench.common import best_of, export_ranking, line
from lianbing import TestingConfig, create_app
from lianbing.accounts import demo as accounts_demo
from lianbing.accounts import services as accounts
from lianbing.accounts.models import Bureau, User
from lianbing.campaign import services as campaigns
from lianbing.extensions import cache, db
from lianbing.ledger import totals
from lianbing.ledger.models import ScoreEntry
from lianbing.rankings import ranking

ROOT = Path(__file__).resolve().parent.parent
PROVINCES, CITIES, COUNTIES = 31, 10, 5
SCALE = float(os.environ.get("BENCH_NATIONAL_SCALE", "1"))
OFFICERS = int(100_000 * SCALE)
LINES_EACH = 100  # ledger lines per officer: 10,000,000 in all
CAMPAIGN = "全国基准活动"
#: the sample bureaus the pages are measured on: province 1, its first city, that city's
#: first county (ids are fixed by the generator)
PROVINCE_ID, CITY_ID, COUNTY_ID = 1, 100, 1000
KINDS = [
    ("quiz", 100),
    ("competition", 100),
    ("study", 10),
    ("lecture", 5),
    ("case_lesson", 20),
    ("record_exercise", 30),
    ("award", 10),
]
ADMINS = [
    ("nat_admin", "city_admin", PROVINCE_ID),
    ("prov_admin", "bureau_admin", PROVINCE_ID),
    ("city_admin_100", "bureau_admin", CITY_ID),
    ("county_admin_1000", "bureau_admin", COUNTY_ID),
]


# --- generating ----------------------------------------------------------------------------

BUREAUS_SQL = [
    """INSERT INTO bureaus (id, name, short_name, code, level, parent_id, path)
    SELECT p, '第' || p || '省生态环境厅', '第' || p || '省', 'P' || p, 'province', NULL,
           '/' || p || '/'
    FROM generate_series(1, :provinces) p""",
    """INSERT INTO bureaus (id, name, short_name, code, level, parent_id, path)
    SELECT 100 + (p.id - 1) * :cities + c, p.short_name || '第' || c || '市生态环境局',
           p.short_name || c || '市', 'C' || (100 + (p.id - 1) * :cities + c), 'city', p.id,
           p.path || (100 + (p.id - 1) * :cities + c) || '/'
    FROM bureaus p CROSS JOIN generate_series(0, :cities - 1) c WHERE p.level = 'province'""",
    """INSERT INTO bureaus (id, name, short_name, code, level, parent_id, path)
    SELECT 1000 + (m.id - 100) * :counties + k, m.short_name || '第' || k || '县分局',
           m.short_name || k || '县', 'X' || (1000 + (m.id - 100) * :counties + k), 'county',
           m.id, m.path || (1000 + (m.id - 100) * :counties + k) || '/'
    FROM bureaus m CROSS JOIN generate_series(0, :counties - 1) k WHERE m.level = 'city'""",
    "SELECT setval(pg_get_serial_sequence('bureaus', 'id'), (SELECT max(id) FROM bureaus))",
]

OFFICERS_SQL = """INSERT INTO users (username, display_name, password_hash, role, bureau_id,
        is_active, must_change_password, created_at)
    SELECT 'n' || g, '执法' || g, 'x', 'officer', 1000 + g % :counties_all, true, false,
           timestamp '2017-06-01'
    FROM generate_series(0, :officers - 1) g"""

LEDGER_SQL = """INSERT INTO score_entries (campaign_id, user_id, kind, ref, title, points,
        max_points, achieved_at, updated_at, detail)
    SELECT :campaign, u.id, k.kind, k.kind || ':' || n, k.kind || ' ' || n,
           k.top * ((u.id::bigint * 7919 + n * 104729 + u.id::bigint * n * 31) % 101) / 100.0,
           k.top, timestamp '2017-06-15' + ((u.id * 37 + n * 1499) % 150000) * interval '1 minute',
           timestamp '2017-06-15', '{{}}'
    FROM users u CROSS JOIN generate_series(0, :each - 1) n
    JOIN (VALUES {kinds}) AS k(slot, kind, top) ON k.slot = n % {n_kinds}
    WHERE u.role = 'officer'"""

#: the ledger's secondary indexes, dropped while loading and built once afterwards
LEDGER_INDEXES = [
    (
        "ALTER TABLE score_entries DROP CONSTRAINT uq_score_entries_key",
        "ALTER TABLE score_entries"
        " ADD CONSTRAINT uq_score_entries_key UNIQUE (campaign_id, user_id, kind, ref)",
    ),
    (
        "DROP INDEX ix_score_entries_campaign_kind_ref",
        "CREATE INDEX ix_score_entries_campaign_"
        "kind_ref ON score_entries (campaign_id, kind, ref, user_id)",
    ),
    (
        "DROP INDEX ix_score_entries_campaign_user",
        "CREATE INDEX ix_score_entries_campaign_user ON score_entries (campaign_id, user_id)",
    ),
]


def _generate() -> int:
    """Bureaus, officers, admins, a campaign and its ledger; returns the campaign id."""
    started = time.perf_counter()
    sizes = {"provinces": PROVINCES, "cities": CITIES, "counties": COUNTIES}
    for sql in BUREAUS_SQL:
        db.session.execute(text(sql), sizes)
    counties_all = PROVINCES * CITIES * COUNTIES
    db.session.execute(text(OFFICERS_SQL), {"counties_all": counties_all, "officers": OFFICERS})
    for name, role, bureau_id in ADMINS:
        accounts.create_user(
            accounts.UserData(name, name, role, bureau_id, password=accounts_demo.DEMO_PASSWORD)
        )
    campaign = campaigns.create_campaign(
        CAMPAIGN, 2017, date(2017, 6, 1), date(2017, 10, 31), activate=True
    )
    db.session.commit()
    _ledger(campaign.id)
    print(
        f"   generated {PROVINCES}×{CITIES}×{COUNTIES} bureaus, {OFFICERS} officers,"
        f" {OFFICERS * LINES_EACH} ledger lines in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return campaign.id


def _ledger(campaign_id: int) -> None:
    """The ledger lines in one INSERT … SELECT with the secondary indexes built afterwards,
    foreign keys unchecked (the rows are made from existing ids), then the totals and the
    planner's statistics."""
    kinds = ", ".join(f"({i}, '{k}', {top}.0)" for i, (k, top) in enumerate(KINDS))
    db.session.execute(text("SET maintenance_work_mem = '256MB'"))
    db.session.execute(text("SET session_replication_role = replica"))
    for drop, _ in LEDGER_INDEXES:
        db.session.execute(text(drop))
    db.session.execute(
        text(LEDGER_SQL.format(kinds=kinds, n_kinds=len(KINDS))),
        {"campaign": campaign_id, "each": LINES_EACH},
    )
    for _, create in LEDGER_INDEXES:
        db.session.execute(text(create))
    db.session.execute(text("SET session_replication_role = DEFAULT"))
    totals.rebuild(campaign_id)
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


@contextmanager
def _national_app():
    """The app on BENCH_DATABASE_URL with the national data: generated afresh (and dropped
    after), or with BENCH_NATIONAL=keep reused from an earlier run and kept."""
    keep = os.environ.get("BENCH_NATIONAL") == "keep"
    os.environ["TEST_DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    app = create_app(TestingConfig())
    with app.app_context():
        campaign_id = _existing() if keep else None
        if campaign_id is None:
            db.drop_all()
            db.create_all()
            campaign_id = _generate()
        db.session.remove()
        yield app, campaign_id
        db.session.remove()
        if not keep:
            db.drop_all()


def _existing() -> int | None:
    """The campaign of a complete earlier generation of the same size, if any."""
    try:
        found = db.session.execute(
            select(ScoreEntry.campaign_id, func.count()).group_by(ScoreEntry.campaign_id).limit(1)
        ).first()
    except Exception:  # no tables yet
        db.session.rollback()
        return None
    db.session.rollback()  # end the read: dropping the tables must not wait for it
    return found[0] if found and found[1] == OFFICERS * LINES_EACH else None


# --- measuring -----------------------------------------------------------------------------


def _bare_group_by(campaign_id: int, bureau_id: int | None) -> float:
    """A bare GROUP BY per officer over the ledger lines of the people under a bureau (all:
    None): the least a ranking of them must read."""
    stmt = select(ScoreEntry.user_id, func.sum(ScoreEntry.points)).where(
        ScoreEntry.campaign_id == campaign_id
    )
    if bureau_id is not None:
        path = db.session.get(Bureau, bureau_id).path
        people = select(User.id).join(Bureau).where(Bureau.path.like(f"{path}%"))
        stmt = stmt.where(ScoreEntry.user_id.in_(people))
    stmt = stmt.group_by(ScoreEntry.user_id)
    return best_of(lambda: db.session.execute(stmt).all(), 3)


def _get(client, path: str, *, cold: bool) -> tuple[float, float]:
    """(wall, this process's CPU) seconds of one request; ``cold`` empties the ranking caches
    first. The CPU figure is what other jobs on the same cores do not inflate (the database's
    own work is not in it)."""
    if cold:
        cache.clear()
        ranking.clear_local()
    start, cpu = time.perf_counter(), time.process_time()
    response = client.get(path)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert response.status_code == 200, (path, response.status_code)
    return elapsed, cpu


def _page(app, name: str, user: str, path: str, baseline: float, what: str) -> None:
    """One page's cold (best of 3) and warm (median of 10) figures, in ms, wall and CPU."""
    client = app.test_client()
    client.post("/login", data={"username": user, "password": accounts_demo.DEMO_PASSWORD})
    cold = min(_get(client, path, cold=True) for _ in range(3))
    warm = sorted(_get(client, path, cold=False) for _ in range(10))[5]
    for label, (wall, cpu) in (("cold", cold), ("warm", warm)):
        line(f"national.{name}_{label}", wall * 1000, "ms", baseline * 1000, f"ms ({what})")
        line(f"national.{name}_{label}_cpu", cpu * 1000, "ms", baseline * 1000, f"ms ({what})")


def _pages(app, campaign_id: int) -> float:
    """The ranking pages' figures; returns the whole ledger's bare GROUP BY."""
    with app.app_context():
        city = _bare_group_by(campaign_id, CITY_ID)
        province = _bare_group_by(campaign_id, PROVINCE_ID)
        bureau_page = "/scores/rankings/bureau/{}"
        _page(
            app,
            "city_ranking",
            "city_admin_100",
            bureau_page.format(CITY_ID),
            city,
            "bare GROUP BY of the city's ledger",
        )
        _page(
            app,
            "county_ranking",
            "county_admin_1000",
            bureau_page.format(COUNTY_ID),
            city,
            "bare GROUP BY of the city's ledger",
        )
        _page(
            app,
            "province_ranking",
            "prov_admin",
            bureau_page.format(PROVINCE_ID),
            province,
            "bare GROUP BY of the province's ledger",
        )
        everyone = _bare_group_by(campaign_id, None)
        _page(
            app,
            "national_ranking",
            "nat_admin",
            "/scores/rankings",
            everyone,
            "bare GROUP BY of the whole ledger",
        )
    return everyone


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the
    parent that started it)."""
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith("VmHWM:"):
            return int(row.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_worker() -> None:
    """In a fresh process: sign in, export the national ranking, print time and peak memory."""
    app = create_app(TestingConfig())
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.post("/login", data={"username": "nat_admin", "password": accounts_demo.DEMO_PASSWORD})
    before, start = _peak_mb(), time.perf_counter()
    size = len(export_ranking(client))
    elapsed = time.perf_counter() - start
    assert size > 0
    print(json.dumps({"seconds": elapsed, "before": before, "peak": _peak_mb(), "bytes": size}))


def _export(everyone: float) -> None:
    """The export figures, measured in a worker process of its own (its peak is the export's)."""
    code = "import bench.bench_national as b; b.export_worker()"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
        cwd=ROOT,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    line(
        "national.full_excel_export",
        found["seconds"],
        "s",
        everyone,
        "s (bare GROUP BY of the whole ledger)",
    )
    line(
        "national.export_peak_memory",
        found["peak"],
        "MB",
        found["before"],
        "MB (the worker before the export)",
    )
    print(f"   export: {found['bytes'] / 1e6:.1f} MB workbook", flush=True)


def main() -> None:
    if not os.environ.get("BENCH_NATIONAL"):
        print("   skipped: set BENCH_NATIONAL=1 (takes minutes) to run it", flush=True)
        return
    if not os.environ.get("BENCH_DATABASE_URL", "").startswith("postgresql"):
        print("   skipped: needs BENCH_DATABASE_URL on PostgreSQL", flush=True)
        return
    with _national_app() as (app, campaign_id):
        app.config["WTF_CSRF_ENABLED"] = False
        everyone = _pages(app, campaign_id)
        _export(everyone)


if __name__ == "__main__":
    main()
