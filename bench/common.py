"""Helpers shared by benchmarks: the result line, timing, a throwaway app."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from contextlib import contextmanager
from typing import Callable

from lianbing import TestingConfig, create_app
from lianbing.extensions import db


def line(
    figure: str, value: float, unit: str, baseline: float, baseline_unit: str | None = None
) -> str:
    """Print and return one result line in the agreed format."""
    ratio = value / baseline if baseline else float("nan")
    text = (
        f"bench {figure}: {value:.4g} {unit}; baseline {baseline:.4g} {baseline_unit or unit}; "
        f"ratio {ratio:.3g}"
    )
    print(text, flush=True)
    return text


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """The best wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values)


@contextmanager
def bench_app(database_url: str | None = None):
    """A fresh app on its own SQLite file (or BENCH_DATABASE_URL), schema created, dropped after."""
    tmp = tempfile.mkdtemp(prefix="lianbing-bench-")
    url = database_url or os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
    os.environ["TEST_DATABASE_URL"] = url
    app = create_app(TestingConfig())
    with app.app_context():
        db.drop_all()
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()


def export_ranking(client) -> bytes:
    """The whole-city ranking export as a city admin starts it: a POST that runs the export job
    (inline: the bench sets no REDIS_URL), then the job's download."""
    started = client.post("/scores/rankings.xlsx")
    assert started.status_code == 303, started.status_code
    response = client.get(started.headers["Location"].rstrip("/") + "/download")
    assert response.status_code == 200, response.status_code
    return response.get_data()
