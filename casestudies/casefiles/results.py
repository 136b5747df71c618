"""Results of the review: per file, per county, per category, city-wide, common problems.

Everything is computed from the final results in one query, so the county page stays fast at
thousands of reviewed files (``bench/bench_casefiles.py``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from casestudies.casefiles import tables
from casestudies.casefiles.models import CATEGORIES, STAGES, CaseFile, CaseResult, ReviewGroup
from lianbing.host import Bureau, db

EXCELLENT = 90.0


@dataclass
class Summary:
    """Figures of a set of final files (a county, a category, the city)."""

    label: str
    count: int = 0
    total: float = 0.0
    excellent: int = 0
    passed: int = 0
    lost_by_stage: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))

    @property
    def average(self) -> float:
        return round(self.total / self.count, 1) if self.count else 0.0

    @property
    def excellent_share(self) -> float:
        return round(100 * self.excellent / self.count, 1) if self.count else 0.0

    @property
    def pass_rate(self) -> float:
        return round(100 * self.passed / self.count, 1) if self.count else 0.0

    def add(self, result, lost_by_stage: dict[str, float]) -> None:
        self.count += 1
        self.total += result.total or 0.0
        self.excellent += int(bool(result.passed) and (result.total or 0) >= EXCELLENT)
        self.passed += int(bool(result.passed))
        for stage, lost in lost_by_stage.items():
            self.lost_by_stage[stage] += lost


def lost_points(result, items: dict[str, dict]) -> dict[str, float]:
    """Points lost per paper item of a final result."""
    out = {}
    for key, entry in (result.scores or {}).items():
        item = items.get(key)
        if item and item["part"] == "items":
            lost = item["points"] - (entry.get("points") or 0)
            if lost > 0:
                out[key] = lost
    return out


def final_results(bureau_id: int | None = None) -> list:
    """Final results as plain rows (no ORM objects): the result's figures and the file's head."""
    stmt = (
        select(
            CaseResult.case_file_id,
            CaseResult.group_id,
            CaseResult.total,
            CaseResult.passed,
            CaseResult.fail_reason,
            CaseResult.scores,
            CaseFile.case_no,
            CaseFile.category,
            CaseFile.party,
            CaseFile.bureau_id,
            Bureau.short_name,
        )
        .join(CaseFile, CaseFile.id == CaseResult.case_file_id)
        .join(Bureau, Bureau.id == CaseFile.bureau_id)
        .where(CaseResult.status == "final")
        .order_by(CaseFile.bureau_id, CaseFile.id)
    )
    if bureau_id is not None:
        stmt = stmt.where(CaseFile.bureau_id == bureau_id)
    return list(db.session.execute(stmt))


def _indexes(results: list[CaseResult]) -> dict[int, dict[str, dict]]:
    group_ids = {r.group_id for r in results}
    groups = db.session.scalars(select(ReviewGroup).where(ReviewGroup.id.in_(group_ids))).all()
    return {g.id: tables.item_index(g.table) for g in groups}


@dataclass
class Report:
    city: Summary
    counties: list[Summary]
    categories: list[Summary]
    problems: list[tuple[str, float]]
    results: list  # rows of final_results


def report(bureau_id: int | None = None, top: int = 10) -> Report:
    """The summaries and the most-deducted items (common problems)."""
    results = final_results(bureau_id)
    indexes = _indexes(results)
    city = Summary("全市")
    counties: dict[int, Summary] = {}
    categories: dict[str, Summary] = {}
    problems: dict = defaultdict(float)
    for r in results:
        items = indexes[r.group_id]
        lost = lost_points(r, items)
        by_stage: dict[str, float] = defaultdict(float)
        for key, points in lost.items():
            by_stage[items[key]["stage"]] += points
            problems[key, r.group_id] += points
        city.add(r, by_stage)
        counties.setdefault(r.bureau_id, Summary(r.short_name)).add(r, by_stage)
        categories.setdefault(r.category, Summary(CATEGORIES[r.category])).add(r, by_stage)
    problems = {f"{k} {indexes[g][k]['title']}": v for (k, g), v in problems.items()}
    common = sorted(((k, v) for k, v in problems.items() if v > 0), key=lambda kv: (-kv[1], kv[0]))
    return Report(city, list(counties.values()), list(categories.values()), common[:top], results)
