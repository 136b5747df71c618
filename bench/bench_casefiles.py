"""Case-file review: assigning files to reviewers, the results page, streaming a large document.

- assignment: 3,000 files to 100 reviewers across 9 bureaus with the rules (never the file's
  bureau, never a handling officer, even load), beside a naive random assignment that ignores
  them; the load spread and rule violations of both are printed;
- results: 3,000 final reviews in the database, the results page (every county's summary and the
  common problems) requested cold, beside the review-table list page (same layout, one query);
- streaming: a 50 MB document downloaded from a server in its own process; the growth of that
  worker's peak RSS over its idle RSS, beside a worker that sends the same file read whole into
  memory (as the database-stored attachments are).
"""

from __future__ import annotations

import http.cookiejar
import multiprocessing
import os
import random
import tempfile
import time
import urllib.request
from datetime import date

from flask import g
from sqlalchemy import insert, select

from bench.common import bench_app, line, median
from casestudies.casefiles import assign, results, tables
from casestudies.casefiles.demo import DEMO_TABLE
from casestudies.casefiles.models import (
    CaseFile,
    CaseOfficer,
    CaseResult,
    ResultLoss,
    ReviewGroup,
)
from lianbing.accounts import demo as accounts_demo
from lianbing.accounts.models import User
from lianbing.extensions import db

FILES, REVIEWERS, BUREAUS = 3000, 100, 9
DOC_MB = 50


def bench_assignment() -> None:
    rng = random.Random(7)
    reviewers = [assign.ReviewerInfo(i, i % BUREAUS) for i in range(1, REVIEWERS + 1)]
    files = [
        assign.FileInfo(n, n % BUREAUS, frozenset(rng.sample(range(1, REVIEWERS + 1), 2)))
        for n in range(1, FILES + 1)
    ]
    start = time.perf_counter()
    plan = assign.plan(files, reviewers, seed=1)
    took = time.perf_counter() - start
    start = time.perf_counter()
    naive = assign.naive_plan(files, reviewers, seed=1)
    naive_took = time.perf_counter() - start
    low, high = assign.spread(plan, reviewers)
    nlow, nhigh = assign.spread(naive, reviewers)
    print(
        f"   load per reviewer: {low}–{high} files, {assign.violations(plan, files, reviewers)} "
        f"violations; naive {nlow}–{nhigh} files, {assign.violations(naive, files, reviewers)} "
        "violations",
        flush=True,
    )
    line(
        "casefiles.assign_3000_files_100_reviewers",
        took * 1000,
        "ms",
        naive_took * 1000,
        "ms (naive random)",
    )


def _sheet(items: dict, rng: random.Random) -> tuple[dict, float, bool]:
    scores, total = {}, 0.0
    for key, item in items.items():
        if item["part"] == "veto":
            scores[key] = {"failed": rng.random() < 0.02, "comment": "", "page": ""}
        elif item["part"] == "items":
            points = max(0.0, item["points"] - rng.choice([0, 0, 0, 1, 2]))
            scores[key] = {"points": points, "comment": "", "page": ""}
            total += points
    return scores, total, not any(v.get("failed") for v in scores.values())


def _case_row(n: int, officer: User) -> dict:
    """The n-th demo case file, entered by the given officer's bureau."""
    return dict(
        id=n,
        bureau_id=officer.bureau_id,
        case_no=f"环罚〔2017〕{n}号",
        category="general",
        party=f"公司{n}",
        violation="",
        legal_basis="",
        decision="",
        filed_on=date(2017, 3, 1),
        closed_on=date(2017, 6, 1),
    )


def _demo_group():
    """The demo accounts, the demo table and one review group led by the city admin."""
    accounts_demo.load()
    admin = db.session.scalar(select(User).where(User.username == "city_admin"))
    table = tables.create_table(DEMO_TABLE, actor_id=admin.id)
    group = ReviewGroup(name="组", leader_id=admin.id, table_id=table.id, tolerance=5)
    db.session.add(group)
    db.session.flush()
    return table, group


def _results_data() -> None:
    table, group = _demo_group()
    officers = db.session.scalars(select(User).where(User.role == "officer")).all()
    items, rng = tables.item_index(table), random.Random(3)
    cases, links, finals, losses = [], [], [], []
    for n in range(1, FILES + 1):
        officer = officers[n % len(officers)]
        cases.append(_case_row(n, officer))
        links.append(dict(case_file_id=n, user_id=officer.id))
        scores, total, passed = _sheet(items, rng)
        losses += results.loss_rows(n, group.id, scores, items)  # as finalize() stores them
        finals.append(
            dict(
                case_file_id=n,
                group_id=group.id,
                status="final",
                total=total,
                passed=passed,
                fail_reason="",
                scores=scores,
            )
        )
    db.session.execute(insert(CaseFile), cases)
    db.session.execute(insert(CaseOfficer), links)
    db.session.execute(insert(CaseResult), finals)
    db.session.execute(insert(ResultLoss), losses)
    db.session.commit()


def _cold(client, url: str, repeat: int = 5) -> tuple[float, float]:
    """Median (wall, this process's CPU) seconds of a request with nothing loaded beforehand;
    the CPU figure is what other processes on the same cores do not inflate."""
    walls, cpus = [], []
    for _ in range(repeat):
        db.session.remove()  # cold: nothing loaded in the session
        g.pop("_login_user", None)  # the bench shares one app context: load the user afresh
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        assert response.status_code == 200, (url, response.status_code)
    return median(walls), median(cpus)


def _login(app, username: str):
    client = app.test_client()
    client.post("/login", data={"username": username, "password": accounts_demo.DEMO_PASSWORD})
    return client


def bench_results() -> None:
    with bench_app() as app:
        _results_data()
        city, county = _login(app, "city_admin"), _login(app, "admin_441402")
        _cold(city, "/casestudies/casefiles/results", 1)  # templates compiled once
        base_wall, base_cpu = _cold(city, "/casestudies/casefiles/tables")
        for name, client in (("county", county), ("city_3000", city)):
            wall, cpu = _cold(client, "/casestudies/casefiles/results")
            line(
                f"casefiles.results_page_{name}",
                wall * 1000,
                "ms",
                base_wall * 1000,
                "ms (review-table list page, wall)",
            )
            line(
                f"casefiles.results_page_{name}_cpu",
                cpu * 1000,
                "ms",
                base_cpu * 1000,
                "ms (review-table list page, CPU)",
            )


def _serve(db_url: str, store_dir: str, naive: bool, ports) -> None:
    """A one-thread server in its own process (the worker whose memory is measured)."""
    import io

    from flask import send_file
    from werkzeug.serving import make_server

    from lianbing import TestingConfig, create_app
    from lianbing.auth import public
    from lianbing.files.storage import blob_path

    os.environ["TEST_DATABASE_URL"] = db_url
    app = create_app(TestingConfig())
    app.config["FILE_STORAGE_DIR"] = store_dir

    @public
    def naive_send(sha: str):
        return send_file(io.BytesIO(blob_path(sha).read_bytes()), mimetype="application/pdf")

    if naive:
        app.add_url_rule("/bench/naive/<sha>", "bench_naive", naive_send)
    server = make_server("127.0.0.1", 0, app, threaded=False)
    ports.put(server.server_port)
    server.serve_forever()


def _status_kb(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status") as fh:
        for row in fh:
            if row.startswith(key + ":"):
                return int(row.split()[1])
    return 0


def _download_growth(db_url: str, store_dir: str, path: str, naive: bool) -> tuple[float, float]:
    """(peak RSS growth, idle RSS) in MB of a fresh worker sending one document."""
    ctx = multiprocessing.get_context("spawn")
    ports = ctx.Queue()
    proc = ctx.Process(target=_serve, args=(db_url, store_dir, naive, ports), daemon=True)
    proc.start()
    try:
        base = f"http://127.0.0.1:{ports.get(timeout=60)}"
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        form = f"username=admin_441402&password={accounts_demo.DEMO_PASSWORD}".encode()
        opener.open(f"{base}/login", data=form).read()
        opener.open(f"{base}/casestudies/casefiles").read()  # warm: templates, session
        idle = _status_kb(proc.pid, "VmRSS")
        with open(f"/proc/{proc.pid}/clear_refs", "w") as fh:
            fh.write("5")  # reset the peak to the current RSS
        size = 0
        with opener.open(base + path) as response:
            while chunk := response.read(1024 * 1024):
                size += len(chunk)
        assert size == DOC_MB * 1024 * 1024, size
        peak = _status_kb(proc.pid, "VmHWM")
        return (peak - idle) / 1024, idle / 1024
    finally:
        proc.terminate()
        proc.join()


class _Zeros:
    """A 50 MB PDF-looking stream produced in chunks (never held whole)."""

    def __init__(self, size: int):
        self.left, self.first = size, True

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        self.left -= n
        head, self.first = (b"%PDF" if self.first and n >= 4 else b""), False
        return head + b"0" * (n - len(head))


def bench_streaming() -> None:
    from casestudies.casefiles import services

    store_dir = tempfile.mkdtemp(prefix="lianbing-bench-files-")
    with bench_app() as app:
        app.config["FILE_STORAGE_DIR"] = store_dir
        accounts_demo.load()
        admin = db.session.scalar(select(User).where(User.username == "admin_441402"))
        officer = db.session.scalar(select(User).where(User.username == "officer_441402_1"))
        data = services.CaseData(
            "环罚〔2017〕1号",
            "general",
            "某公司",
            dates={"filed_on": date(2017, 3, 1), "closed_on": date(2017, 6, 1)},
            officer_ids=[officer.id],
        )
        with app.test_request_context():
            case = services.save_case(None, data, bureau_id=admin.bureau_id, actor_id=admin.id)
            doc = services.add_document(
                case,
                services.Upload(_Zeros(DOC_MB * 1024 * 1024), "scan.pdf", "decision", 200),
                actor_id=admin.id,
            )
        db.session.commit()
        url = os.environ["TEST_DATABASE_URL"]
        growth, idle = _download_growth(
            url, store_dir, f"/casestudies/casefiles/documents/{doc.id}", False
        )
        naive, naive_idle = _download_growth(url, store_dir, f"/bench/naive/{doc.sha256}", True)
        print(
            f"   streamed: idle RSS {idle:.1f} MB, peak {idle + growth:.1f} MB; "
            f"read whole: idle {naive_idle:.1f} MB, peak {naive_idle + naive:.1f} MB",
            flush=True,
        )
        line("casefiles.stream_50mb_rss_growth", growth, "MB", naive, "MB (read whole into memory)")


def main() -> None:
    bench_assignment()
    bench_results()
    bench_streaming()


if __name__ == "__main__":
    main()
