"""Exercise statistics: average share of points per criterion, by bureau, and what was missed."""

from __future__ import annotations

from casestudies.exercises.models import Exercise, Submission
from casestudies.grading.services import QueueFilter, grade_of, queue
from casestudies.rubrics.services import criteria


def criterion_stats(exercise: Exercise) -> dict:
    """Average share of points per criterion (graded, else pre-graded), overall and by bureau."""
    crits = [c for c in criteria(exercise.rubric) if not c.get("veto")]
    subs = queue(QueueFilter(exercise_id=exercise.id))
    overall, by_bureau = {c["key"]: [] for c in crits}, {}
    for sub in subs:
        scores = _scores_for_stats(sub)
        bureau = by_bureau.setdefault(sub.user.bureau.short_name, {c["key"]: [] for c in crits})
        for c in crits:
            points = (scores.get(c["key"]) or {}).get("points")
            if points is not None:
                share = 100.0 * points / c["max_points"]
                overall[c["key"]].append(share)
                bureau[c["key"]].append(share)
    return {
        "criteria": crits,
        "count": len(subs),
        "bureau_totals": _bureau_totals(subs),
        "missed": _missed(subs),
        "overall": {k: _avg(v) for k, v in overall.items()},
        "by_bureau": {b: {k: _avg(v) for k, v in d.items()} for b, d in sorted(by_bureau.items())},
    }


def _missed(subs: list[Submission], top: int = 10) -> list[tuple[str, int]]:
    """The automatic checks' findings by how many records had them.

    Findings read like "未发现：…" or "出现不应使用的用语：…".
    """
    counts: dict[str, int] = {}
    for sub in subs:
        found = {
            f"{key} {m.split('：')[0] if '用语' in m else m}"
            for key, crit in ((sub.pregrade or {}).get("criteria") or {}).items()
            for check in crit["checks"]
            for m in check["messages"]
        }
        for item in found:
            counts[item] = counts.get(item, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]


def _avg(values: list[float]) -> float:
    return round(sum(values) / len(values), 1) if values else 0.0


def _bureau_totals(subs: list[Submission]) -> list[tuple[str, float]]:
    """Average released mark per bureau."""
    totals: dict[str, list[float]] = {}
    for sub in subs:
        if sub.final_points is not None:
            totals.setdefault(sub.user.bureau.short_name, []).append(sub.final_points)
    return [(b, _avg(v)) for b, v in sorted(totals.items())]


def _scores_for_stats(sub: Submission) -> dict:
    grade = grade_of(sub, "first")
    if grade:
        return grade.scores
    return (sub.pregrade or {}).get("criteria", {})
