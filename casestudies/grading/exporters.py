"""An exercise's grades as Excel."""

from __future__ import annotations

import pandas as pd

from casestudies.exercises.models import STATUSES, Submission
from lianbing.host import to_local, xlsx_bytes


def grades_xlsx(subs: list[Submission], criteria: list[dict]) -> bytes:
    """One row per submission: officer, bureau, status, pre-grade, final and each criterion."""
    rows = [_grade_row(sub, criteria) for sub in subs]
    columns = ["执法人员", "单位", "状态", "提交时间", "预评分", "最终得分"] + [
        f"{c['key']} {c['title']}" for c in criteria
    ]
    return xlsx_bytes({"笔录评分": pd.DataFrame(rows, columns=columns)})


def _grade_row(sub: Submission, criteria: list[dict]) -> list:
    first = next((g for g in sub.grades if g.marker_role == "first"), None)
    scores = first.scores if first else {}
    submitted = to_local(sub.submitted_at).strftime("%Y-%m-%d %H:%M") if sub.submitted_at else ""
    return [
        sub.user.display_name,
        sub.user.bureau.short_name,
        STATUSES[sub.status],
        submitted,
        (sub.pregrade or {}).get("total"),
        sub.final_points,
    ] + [(scores.get(c["key"]) or {}).get("points") for c in criteria]
