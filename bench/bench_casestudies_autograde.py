"""Pre-grading 1,000 records against a 30-criterion rubric (goal: under 5 s in all).

Baseline, measured in the same run: tokenizing and lower-casing the same 1,000 records
(``re.findall(r"\\w+", text.lower())``), the least any text-checking engine must do.
"""

from __future__ import annotations

import random
import re
import time
from copy import deepcopy

from bench.common import line
from casestudies.exercises.demo import INQUIRY_QA, INSPECTION_BODY
from casestudies.exercises.records import Draft, parse_record, render_text
from casestudies.rubrics import checks
from casestudies.rubrics import demo as rubrics_demo

RECORDS = 1000
FILLER = [
    "现场有工人 3 名在操作。",
    "车间地面有积水。",
    "废水收集池水位约 1.2 米。",
    "危废仓库门已上锁。",
    "情况严重。",
    "好像有偷排。",
    "流量约 30。",
    "拍照 4 张。",
    "在线监测数据正常。",
    "雨水口无异常。",
]


def rubric_30() -> dict:
    """The demo inspection rubric plus the inquiry rubric's non-veto criteria: 30 criteria."""
    spec = deepcopy(rubrics_demo.INSPECTION)
    extra = [
        c | {"key": "X" + c["key"]}
        for c in deepcopy(rubrics_demo.INQUIRY["criteria"])
        if not c["veto"]
    ]
    spec["criteria"] += extra
    spec["total_points"] = sum(c["max_points"] for c in spec["criteria"])
    return spec


def records(rng: random.Random) -> list[str]:
    """1,000 varied records: sentences dropped, filler (some with faults) added, Q/A pairs."""
    out = []
    for _ in range(RECORDS):
        body = "\n".join(s for s in INSPECTION_BODY.split("\n") if rng.random() > 0.2)
        body += "\n" + "".join(rng.choice(FILLER) for _ in range(rng.randint(5, 40)))
        qa = rng.sample(INQUIRY_QA, rng.randint(0, len(INQUIRY_QA)))
        header = {
            "start_time": "2017-07-20T09:30",
            "end_time": rng.choice(["2017-07-20T10:45", "2017-07-20T08:00"]),
            "place": "电镀车间",
            "unit": "某公司",
            "officers": [{"name": "甲", "cert": "44140200001"}] * rng.randint(1, 2),
        }
        out.append(
            render_text("inspection", Draft(header=header, body=body, qa=qa, confirmation="属实"))
        )
    return out


def main() -> None:
    rubric = checks.compile_rubric(rubric_30())
    texts = records(random.Random(6))
    start = time.perf_counter()
    for text in texts:
        re.findall(r"\w+", text.lower())
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    totals = [checks.pregrade(rubric, parse_record(text))["total"] for text in texts]
    elapsed = time.perf_counter() - start
    assert len(totals) == RECORDS and len(rubric.criteria) == 30
    line("casestudies.autograde_1000_records", elapsed, "s", baseline)
    line(
        "casestudies.autograde_per_record",
        elapsed / RECORDS * 1000,
        "ms",
        baseline / RECORDS * 1000,
    )


if __name__ == "__main__":
    main()
