"""Record writing's and case-file review's figures for the report to the province.

Records written and graded, the average share of points under each of the five standards,
the elements the automatic checks most often found missing, and the case files reviewed.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from casestudies.casefiles.models import CaseFile, CaseResult
from casestudies.exercises.models import Exercise, Submission
from casestudies.exercises.records import missing_of
from casestudies.grading.services import grade_of
from casestudies.rubrics.checks import STANDARDS
from casestudies.rubrics.services import criteria
from lianbing.host import ReportFigure, ReportScope, User, db

RECORDS, CASEFILES = "规范执法文书", "案卷评查"
GRADED = ("graded", "released")
#: how many of the most common missing elements the report names
TOP_MISSING = 3


def _submissions(scope: ReportScope) -> list[Submission]:
    people = select(User.id).where(User.bureau_id.in_(scope.bureau_ids))
    return list(
        db.session.scalars(
            select(Submission)
            .where(
                Submission.user_id.in_(people),
                Submission.status != "draft",
                Submission.submitted_at.between(scope.starts_at, scope.ends_at),
            )
            .options(selectinload(Submission.grades))
            .options(selectinload(Submission.exercise).selectinload(Exercise.rubric))
        )
    )


def standard_shares(subs: list[Submission]) -> dict[str, float | None]:
    """Per standard, points given over points possible (per cent) in the graded records."""
    got, top = Counter(), Counter()
    for sub in subs:
        grade = grade_of(sub, "first")
        if sub.status not in GRADED or grade is None:
            continue
        for crit in criteria(sub.exercise.rubric):
            points = (grade.scores.get(crit["key"]) or {}).get("points")
            if crit.get("veto") or points is None:
                continue
            got[crit["standard"]] += points
            top[crit["standard"]] += crit["max_points"]
    return {s: round(100.0 * got[s] / top[s], 1) if top[s] else None for s in STANDARDS}


def common_missing(subs: list[Submission]) -> list[tuple[str, int]]:
    """The elements most often found missing, with how many records missed each."""
    counts = Counter(m for sub in subs for m in {msg for _, msg in missing_of(sub.pregrade)})
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_MISSING]


def _casefiles(scope: ReportScope) -> tuple[int, int]:
    return db.session.execute(
        select(func.count(), func.count().filter(CaseResult.passed.is_(True)))
        .join(CaseFile, CaseFile.id == CaseResult.case_file_id)
        .where(
            CaseResult.status == "final",
            CaseFile.bureau_id.in_(scope.bureau_ids),
            CaseResult.finalized_at.between(scope.starts_at, scope.ends_at),
        )
    ).one()


def report_figures(scope: ReportScope) -> list[ReportFigure]:
    subs = _submissions(scope)
    shares = standard_shares(subs)
    missing = "；".join(f"{m}（{n}份）" for m, n in common_missing(subs)) or "无"
    reviewed, passed = _casefiles(scope)
    return [
        ReportFigure(RECORDS, "提交笔录（份）", len(subs)),
        ReportFigure(RECORDS, "已评分笔录（份）", sum(s.status in GRADED for s in subs)),
        *(
            ReportFigure(RECORDS, f"平均得分率：{s}（%）", "—" if v is None else v)
            for s, v in shares.items()
        ),
        ReportFigure(RECORDS, "常见缺失要素", missing),
        ReportFigure(CASEFILES, "评查案卷（卷）", reviewed),
        ReportFigure(CASEFILES, "评查合格（卷）", passed),
    ]
