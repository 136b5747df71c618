"""Results of the review: per file, per county, per category, city-wide, common problems.

Every figure is summed by the database: counts, totals and pass counts from the final results
grouped by county or category, the points lost from ``cs_result_losses`` (one row per paper
item a final result lost points on, written by ``store_losses`` when the result is made
final) grouped by stage or item. No page loads every file or loops over them, so the county
and city pages stay fast at thousands of reviewed files (``bench/bench_casefiles.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, case, delete, func, insert, select

from casestudies.casefiles import tables
from casestudies.casefiles.models import (
    CATEGORIES,
    STAGES,
    CaseFile,
    CaseResult,
    ResultLoss,
    ReviewGroup,
)
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


def lost_points(scores: dict | None, items: dict[str, dict]) -> dict[str, float]:
    """Points lost per paper item of a final sheet."""
    out = {}
    for key, entry in (scores or {}).items():
        item = items.get(key)
        if item and item["part"] == "items":
            lost = item["points"] - (entry.get("points") or 0)
            if lost > 0:
                out[key] = lost
    return out


def loss_rows(case_id: int, group_id: int, scores: dict | None, items: dict) -> list[dict]:
    """The ``cs_result_losses`` rows of one final sheet."""
    return [
        dict(case_file_id=case_id, item_key=k, group_id=group_id, stage=items[k]["stage"], lost=v)
        for k, v in lost_points(scores, items).items()
    ]


def store_losses(result: CaseResult, items: dict[str, dict]) -> None:
    """Replace the stored losses of a result with those of its final sheet."""
    db.session.execute(delete(ResultLoss).where(ResultLoss.case_file_id == result.case_file_id))
    rows = loss_rows(result.case_file_id, result.group_id, result.scores, items)
    if rows:
        db.session.execute(insert(ResultLoss), rows)


def _final(bureau_id: int | None):
    """The condition picking final results (of one county when given); joins CaseFile."""
    cond = CaseResult.status == "final"
    return cond if bureau_id is None else and_(cond, CaseFile.bureau_id == bureau_id)


def _figures(bureau_id: int | None) -> list:
    """(county, category, count, total, excellent, passed) per county and category."""
    stmt = (
        select(
            CaseFile.bureau_id,
            CaseFile.category,
            func.count(),
            func.coalesce(func.sum(CaseResult.total), 0.0),
            func.sum(case((and_(CaseResult.passed, CaseResult.total >= EXCELLENT), 1), else_=0)),
            func.sum(case((CaseResult.passed, 1), else_=0)),
        )
        .select_from(CaseResult)
        .join(CaseFile, CaseFile.id == CaseResult.case_file_id)
        .where(_final(bureau_id))
        .group_by(CaseFile.bureau_id, CaseFile.category)
    )
    return list(db.session.execute(stmt))


def _stage_losses(bureau_id: int | None) -> list:
    """(county, category, stage, points lost) per county, category and stage."""
    stmt = (
        select(CaseFile.bureau_id, CaseFile.category, ResultLoss.stage, func.sum(ResultLoss.lost))
        .join(CaseResult, CaseResult.case_file_id == ResultLoss.case_file_id)
        .join(CaseFile, CaseFile.id == ResultLoss.case_file_id)
        .where(_final(bureau_id))
        .group_by(CaseFile.bureau_id, CaseFile.category, ResultLoss.stage)
    )
    return list(db.session.execute(stmt))


def _summaries(bureau_id: int | None, names: dict[int, str]) -> tuple[dict, dict, Summary]:
    """The county, category and city summaries, added up from the two grouped queries (a few
    dozen cells: counties × categories, and × stages)."""
    counties: dict[int, Summary] = {}
    categories: dict[str, Summary] = {}
    city = Summary("全市")
    for county, category, count, total, excellent, passed in _figures(bureau_id):
        for summary in (
            counties.setdefault(county, Summary(names.get(county, str(county)))),
            categories.setdefault(category, Summary(CATEGORIES.get(category, category))),
            city,
        ):
            summary.count += count
            summary.total += float(total)
            summary.excellent += int(excellent)
            summary.passed += int(passed)
    for county, category, stage, lost in _stage_losses(bureau_id):
        for summary in (counties.get(county), categories.get(category), city):
            if summary is not None and stage in summary.lost_by_stage:
                summary.lost_by_stage[stage] += float(lost or 0)
    return counties, categories, city


def problems(bureau_id: int | None = None, top: int = 10) -> list[tuple[str, float]]:
    """The items that lost the most points, with their titles: ("P7 决定书…", points)."""
    lost = func.sum(ResultLoss.lost)
    rows = db.session.execute(
        select(ResultLoss.item_key, ResultLoss.group_id, lost)
        .join(CaseResult, CaseResult.case_file_id == ResultLoss.case_file_id)
        .join(CaseFile, CaseFile.id == ResultLoss.case_file_id)
        .where(_final(bureau_id))
        .group_by(ResultLoss.item_key, ResultLoss.group_id)
        .having(lost > 0)
    ).all()
    titles = _titles({r.group_id for r in rows})
    named: dict[str, float] = {}
    for key, group_id, points in rows:
        name = f"{key} {titles.get(group_id, {}).get(key, '')}".strip()
        named[name] = named.get(name, 0.0) + float(points)
    return sorted(named.items(), key=lambda kv: (-kv[1], kv[0]))[:top]


def _titles(group_ids: set[int]) -> dict[int, dict[str, str]]:
    groups = db.session.scalars(select(ReviewGroup).where(ReviewGroup.id.in_(group_ids))).all()
    return {g.id: {k: v["title"] for k, v in tables.item_index(g.table).items()} for g in groups}


def _file_rows(bureau_id: int | None):
    return (
        select(
            CaseResult.case_file_id,
            CaseResult.group_id,
            CaseResult.total,
            CaseResult.passed,
            CaseResult.fail_reason,
            CaseFile.case_no,
            CaseFile.category,
            CaseFile.party,
            CaseFile.bureau_id,
            Bureau.short_name,
        )
        .join(CaseFile, CaseFile.id == CaseResult.case_file_id)
        .join(Bureau, Bureau.id == CaseFile.bureau_id)
        .where(_final(bureau_id))
        .order_by(CaseFile.bureau_id, CaseFile.id)
    )


def final_results(bureau_id: int | None = None, offset: int = 0, limit: int | None = None) -> list:
    """Final results as plain rows (no ORM objects): the figures and the file's head; a page of
    them when ``limit`` is given."""
    stmt = _file_rows(bureau_id).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(db.session.execute(stmt))


@dataclass
class Report:
    city: Summary
    counties: list[Summary]
    categories: list[Summary]
    problems: list[tuple[str, float]]
    results: list  # rows of final_results (empty unless asked for)


def report(bureau_id: int | None = None, top: int = 10, files: bool = True) -> Report:
    """The summaries, the most-deducted items (common problems) and, when ``files``, every
    final file's row (the exports; the page asks for one page of rows instead)."""
    names = dict(db.session.execute(select(Bureau.id, Bureau.short_name)).all())
    counties, categories, city = _summaries(bureau_id, names)
    return Report(
        city,
        [counties[k] for k in sorted(counties)],
        [categories[k] for k in CATEGORIES if k in categories],
        problems(bureau_id, top),
        final_results(bureau_id) if files else [],
    )
