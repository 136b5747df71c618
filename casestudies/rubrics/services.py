"""Rubrics: create, edit criterion by criterion, lock once used, version, import and try out."""

from __future__ import annotations

import uuid
from copy import deepcopy

from sqlalchemy import func, select

from casestudies.errors import CaseError, Conflict, TooLarge
from casestudies.exercises.records import MAX_RECORD_CHARS, parse_record, record_problem
from casestudies.rubrics import checks
from casestudies.rubrics.models import Rubric
from lianbing.host import Refused, db, load_json, log_event, write_audit

MAX_IMPORT_BYTES = 512 * 1024


def rubric_data(rubric: Rubric) -> dict:
    """The rubric in its JSON export format."""
    return {
        "title": rubric.title,
        "record_type": rubric.record_type,
        "total_points": rubric.total_points,
        "version": rubric.version,
        "criteria": deepcopy((rubric.data or {}).get("criteria", [])),
    }


def criteria(rubric: Rubric) -> list[dict]:
    """The rubric's criteria (copies), in their stored order."""
    return rubric_data(rubric)["criteria"]


def compiled(rubric: Rubric) -> checks.CompiledRubric:
    """The rubric with its automatic checks built, ready to pre-grade records."""
    return checks.compile_rubric(rubric_data(rubric), complete=False, probe=False)


def problem_of(rubric: Rubric) -> str:
    """Why the rubric cannot be used for an exercise yet ("" when it is complete)."""
    try:
        checks.compile_rubric(rubric_data(rubric), complete=True)
    except checks.RubricError as exc:
        return str(exc)
    return ""


def create_rubric(
    data: dict,
    *,
    actor_id: int,
    complete: bool = False,
    family: str | None = None,
    version: int = 1,
) -> Rubric:
    """Validate and store a rubric (a new family unless given)."""
    checks.compile_rubric(data, complete=complete)
    rubric = Rubric(
        family=family or uuid.uuid4().hex[:12],
        version=version,
        title=data["title"].strip(),
        record_type=data["record_type"],
        total_points=float(data["total_points"]),
        data={"criteria": deepcopy(data.get("criteria", []))},
        created_by=actor_id,
    )
    db.session.add(rubric)
    db.session.flush()
    write_audit(
        "casestudies.rubric.create",
        "cs_rubric",
        rubric.id,
        actor_id=actor_id,
        new={"title": rubric.title, "family": rubric.family, "version": version},
    )
    return rubric


def _replace(rubric: Rubric, new: dict, actor_id: int, action: str) -> None:
    """Validate a changed rubric and store it, unless grading has started."""
    if rubric.is_locked:
        raise Conflict(
            f"量表“{rubric.title}”第 {rubric.version} 版已开始使用，已锁定；"
            "请另存为新版本后再修改。"
        )
    checks.compile_rubric(new, complete=False)
    old = rubric_data(rubric)
    rubric.title, rubric.record_type = new["title"].strip(), new["record_type"]
    rubric.total_points = float(new["total_points"])
    rubric.data = {"criteria": deepcopy(new["criteria"])}
    db.session.flush()
    write_audit(
        f"casestudies.rubric.{action}",
        "cs_rubric",
        rubric.id,
        actor_id=actor_id,
        old={"total": old["total_points"], "n": len(old["criteria"])},
        new={"total": rubric.total_points, "n": len(new["criteria"])},
    )


def update_rubric_head(
    rubric: Rubric, title: str, record_type: str, total_points: float, *, actor_id: int
) -> None:
    """Change the rubric's name, record type or total points."""
    new = rubric_data(rubric) | {
        "title": title,
        "record_type": record_type,
        "total_points": total_points,
    }
    _replace(rubric, new, actor_id, "update")


def save_criterion(
    rubric: Rubric, criterion: dict, *, actor_id: int, replace_key: str | None = None
) -> None:
    """Add a criterion, or replace the one keyed ``replace_key``; the rubric is re-validated."""
    new = rubric_data(rubric)
    items = new["criteria"]
    index = next((i for i, c in enumerate(items) if c.get("key") == replace_key), None)
    if replace_key and index is None:
        raise CaseError(f"找不到评分标准 {replace_key}。")
    if index is None:
        items.append(criterion)
    else:
        items[index] = criterion
    items.sort(
        key=lambda c: (
            checks.STANDARDS.index(c["standard"]) if c.get("standard") in checks.STANDARDS else 9
        )
    )
    _replace(rubric, new, actor_id, "criterion")


def delete_criterion(rubric: Rubric, key: str, *, actor_id: int) -> None:
    """Remove one criterion (refused once the rubric is locked)."""
    new = rubric_data(rubric)
    new["criteria"] = [c for c in new["criteria"] if c.get("key") != key]
    _replace(rubric, new, actor_id, "criterion")


def copy_rubric(rubric: Rubric, *, actor_id: int, as_version: bool) -> Rubric:
    """A copy: the next version of the same rubric, or a new rubric of its own."""
    data = rubric_data(rubric)
    if as_version:
        top = db.session.scalar(
            select(func.max(Rubric.version)).where(Rubric.family == rubric.family)
        )
        return create_rubric(data, actor_id=actor_id, family=rubric.family, version=(top or 0) + 1)
    return create_rubric(data | {"title": data["title"] + "（副本）"}, actor_id=actor_id)


def import_rubric(raw: bytes | None, *, actor_id: int) -> Rubric:
    """A rubric from its JSON export; refused whole, naming the failing criterion."""
    if raw is None:
        raise CaseError("请选择量表 JSON 文件。")
    if len(raw) > MAX_IMPORT_BYTES:
        raise TooLarge("量表文件超过 512 KB。")
    try:  # size and nesting depth checked before parsing
        data = load_json(raw, "量表 JSON 文件")
    except Refused as exc:
        raise CaseError(str(exc), status=exc.status) from None
    try:
        rubric = create_rubric(data, actor_id=actor_id, complete=True)
    except checks.RubricError as exc:
        raise CaseError(str(exc)) from exc
    log_event(
        "casestudies",
        "rubric %s imported by user %s (%d criteria, %d bytes)",
        rubric.id,
        actor_id,
        len(rubric.data["criteria"]),
        len(raw),
        actor_id=actor_id,
        target=f"cs_rubric:{rubric.id}",
    )
    return rubric


def trial(rubric: Rubric, text: str) -> dict:
    """Pre-grade a pasted plain-text record against a rubric, storing nothing."""
    problem = record_problem(text)
    if problem:
        err = TooLarge if len(text) > MAX_RECORD_CHARS else CaseError
        raise err(f"{problem}，无法试评。请粘贴一份笔录文本。")
    return checks.pregrade(compiled(rubric), parse_record(text))


def rubrics() -> list[Rubric]:
    """Every rubric, grouped by family, oldest version first."""
    return list(db.session.scalars(select(Rubric).order_by(Rubric.family, Rubric.version)))
