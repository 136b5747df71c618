"""Hostile uploads: the worker's memory and answer time over the hostile-file corpus.

The corpus (tests/lianbing/security/hostile.py: zip bombs, a cell at XFD6000, 100,001 rows,
huge shared strings, deep JSON, truncated and mislabelled files …) is sent through every
importer (roster, question bank, law text, rubric) of one app in a fresh worker process.

- security.hostile_uploads_peak_rss: the worker's peak resident memory while answering the
  corpus; baseline: its memory when idle (app built, demo people loaded, one ordinary roster
  import done so pandas and openpyxl are loaded). Goal: peak < idle + 200 MB.
- security.hostile_uploads_longest_answer: the slowest single answer over the corpus;
  baseline: the answer to an ordinary 200-row roster import. Goal: < 20 s.
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench.common import line

ROOT = Path(__file__).resolve().parent.parent


def _rss_mb(field: str = "VmRSS") -> float:
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith(field + ":"):
            return int(row.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM (Linux)
        return True
    except OSError:
        return False


def _login(client, username: str) -> None:
    from sqlalchemy import select

    from lianbing.accounts.models import User
    from lianbing.extensions import db

    user = db.session.scalar(select(User).where(User.username == username))
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True


def _post(client, url, fields, name, data) -> tuple[int, float]:
    started = time.perf_counter()
    r = client.post(
        url, data={**fields, "file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )
    return r.status_code, time.perf_counter() - started


def worker() -> dict:
    """Runs in its own process: idle memory, then the corpus through every importer."""
    from bench.common import bench_app
    from lianbing.accounts import demo as accounts_demo
    from lianbing.extensions import db
    from tests.lianbing.security.hostile import IMPORTERS, _valid, corpus, names_for

    files = corpus()
    with bench_app() as app:
        accounts_demo.load()
        db.session.commit()
        client = app.test_client()
        _login(client, "city_admin")
        fields = {"default_password": "import-pass-1"}
        _, ordinary = _post(client, "/roster/import", fields, "ok.xlsx", _valid())
        idle = _rss_mb()
        exact = _reset_peak()
        longest, statuses = 0.0, []
        for _label, role, url, fields, suffixes in IMPORTERS:
            _login(client, role)
            for _what, filename, data in files:
                for name in names_for(filename, suffixes):
                    status, seconds = _post(client, url, fields, name, data)
                    statuses.append(status)
                    longest = max(longest, seconds)
        peak = _rss_mb("VmHWM")  # since the reset when exact, else since start-up
    return {
        "idle": idle,
        "peak": peak,
        "longest": longest,
        "ordinary": ordinary,
        "answers": len(statuses),
        "errors": sum(s >= 500 for s in statuses),
        "peak_since": "the idle point" if exact else "start-up",
    }


def main() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bench.bench_hostile_uploads", "--worker"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(
        f"# {result['answers']} answers over the corpus, {result['errors']} of them 5xx; "
        f"peak {result['peak'] - result['idle']:+.0f} MB over idle (goal < +200 MB; peak measured "
        f"since {result['peak_since']})",
        flush=True,
    )
    line("security.hostile_uploads_peak_rss", result["peak"], "MB", result["idle"])
    line("security.hostile_uploads_longest_answer", result["longest"], "s", result["ordinary"])


if __name__ == "__main__":
    if "--worker" in sys.argv:
        import logging

        logging.disable(logging.CRITICAL)
        print(json.dumps(worker()))
    else:
        main()
