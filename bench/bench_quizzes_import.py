"""Quizzes bank figures: importing a 10,000-question Excel bank, and searching it.

- quizzes.import_10k_xlsx: import_file() of a generated 10,000-question .xlsx (parse, check,
  insert, commit); baseline: pandas.read_excel of the same bytes alone (the goal is ratio <= 3).
- quizzes.search_10k_first_page: server time of GET /quizzes/banks/<id>?q=…&basis=… (first
  results page) over 10,000 questions; baseline: the same page on an empty bank.
"""

from __future__ import annotations

import io
import random
import time

import pandas as pd

from bench.common import bench_app, best_of, line, median
from lianbing.accounts import demo as accounts_demo
from lianbing.extensions import db
from quizzes import exporters, importers, services
from quizzes.services import QuestionData

N = 10_000
LAWS = [
    "《环境保护法》第五十九条",
    "《大气污染防治法》第九十九条",
    "《水污染防治法》第八十三条",
    "《行政处罚法》第四十六条",
]


def generated(n: int = N) -> list[QuestionData]:
    """n questions of every auto-marked type, with distinct stems."""
    rng = random.Random(7)
    makers = [_single, _multiple, _truefalse, _fill]
    return [makers[i % len(makers)](i, rng) for i in range(n)]


def _common(i: int, rng: random.Random) -> dict:
    return {
        "code": f"B{i:05d}",
        "legal_basis": rng.choice(LAWS),
        "difficulty": rng.randint(1, 5),
        "tags": [rng.choice(["大气", "水", "罚款", "程序"])],
        "category": rng.choice(["法律/环保法", "法律/大气法", "程序"]),
    }


def _single(i, rng):
    options = [{"text": f"选项{k}-{i}", "weight": 1.0 if k == 1 else 0.0} for k in range(4)]
    return QuestionData(
        qtype="single",
        stem=f"企业违法排放污染物的罚款如何计算？（样题 {i}）",
        content={"options": options},
        **_common(i, rng),
    )


def _multiple(i, rng):
    options = [{"text": f"情形{k}-{i}", "weight": 0.5 if k < 2 else 0.0} for k in range(5)]
    return QuestionData(
        qtype="multiple",
        stem=f"下列哪些属于逃避监管的方式？（样题 {i}）",
        content={"options": options},
        **_common(i, rng),
    )


def _truefalse(i, rng):
    return QuestionData(
        qtype="truefalse",
        stem=f"执法人员不得少于两人。（样题 {i}）",
        content={"answer": True},
        **_common(i, rng),
    )


def _fill(i, rng):
    return QuestionData(
        qtype="fill",
        stem=f"每年{{{{1}}}}为环境日。（样题 {i}）",
        content={"blanks": [{"answers": ["6月5日"]}]},
        **_common(i, rng),
    )


def import_figure(data: bytes) -> None:
    read = best_of(
        lambda: pd.read_excel(io.BytesIO(data), dtype=str, keep_default_na=False), repeat=2
    )
    times = []
    for run in range(2):
        start = time.perf_counter()
        report = importers.import_file(f"bench-{run}", "bench.xlsx", data)
        db.session.commit()
        times.append(time.perf_counter() - start)
        assert report.ok and len(report.imported) == N, report.failed[:3]
    line("quizzes.import_10k_xlsx", min(times), "s", read, "s (pandas.read_excel alone)")


def search_figure(app) -> None:
    accounts_demo.load()
    empty = services.create_bank("bench-empty")
    db.session.commit()
    full = services.bank_by_name("bench-0")
    client = app.test_client()
    client.post("/login", data={"username": "trainer", "password": accounts_demo.DEMO_PASSWORD})
    query = {"q": "罚款", "basis": "第五十九条"}

    def page_time(bank_id: int) -> float:
        samples = []
        for _ in range(7):
            start = time.perf_counter()
            r = client.get(f"/quizzes/banks/{bank_id}", query_string=query)
            samples.append(time.perf_counter() - start)
            assert r.status_code == 200
        return median(samples) * 1000

    line(
        "quizzes.search_10k_first_page",
        page_time(full.id),
        "ms",
        page_time(empty.id),
        "ms (same page, empty bank)",
    )


def main() -> None:
    data = exporters.export_questions(generated(), "xlsx").data
    with bench_app() as app:
        import_figure(data)
        search_figure(app)


if __name__ == "__main__":
    main()
