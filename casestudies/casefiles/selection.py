"""Which files are reviewed: counties propose, the city draws at random, the city sends on.

A draw takes the county's closed cases in id order and samples them with ``random.Random(seed)``;
the seed, the pool and the result are stored and audited, so anyone can redo the draw and get
the same files.
"""

from __future__ import annotations

import random
import secrets

from sqlalchemy import select

from casestudies.casefiles import quotas
from casestudies.casefiles.models import CaseDraw, CaseFile, CaseResult, CaseSelection
from casestudies.errors import CaseError, Conflict
from lianbing.host import db, write_audit


def select_file(
    case: CaseFile, kind: str, *, actor_id: int, draw_id: int | None = None
) -> CaseSelection:
    """Mark a file as proposed, drawn or sent to the province (once per kind)."""
    if kind == "province" and not _is_final(case):
        raise CaseError(f"案卷 {case.case_no} 还没有评查结果，不能报送省厅。")
    found = db.session.scalar(
        select(CaseSelection).where(
            CaseSelection.case_file_id == case.id, CaseSelection.kind == kind
        )
    )
    if found:
        return found
    if kind == "proposed":
        quotas.check_room(case)
    row = CaseSelection(case_file_id=case.id, kind=kind, draw_id=draw_id, created_by=actor_id)
    db.session.add(row)
    db.session.flush()
    write_audit(
        f"casestudies.casefile.{kind}",
        "cs_case_file",
        case.id,
        actor_id=actor_id,
        bureau_id=case.bureau_id,
        new={"kind": kind, "draw": draw_id},
    )
    return row


def unselect_file(case: CaseFile, kind: str, *, actor_id: int) -> None:
    """Take a proposal or a province selection back (a drawn file stays drawn)."""
    if kind == "drawn":
        raise Conflict("随机抽取的案卷不能撤回。")
    row = db.session.scalar(
        select(CaseSelection).where(
            CaseSelection.case_file_id == case.id, CaseSelection.kind == kind
        )
    )
    if row:
        db.session.delete(row)
        db.session.flush()
        write_audit(f"casestudies.casefile.un{kind}", "cs_case_file", case.id, actor_id=actor_id)


def _is_final(case: CaseFile) -> bool:
    result = db.session.get(CaseResult, case.id)
    return result is not None and result.status == "final"


def draw_sample(pool: list[int], size: int, seed: str) -> list[int]:
    """The ids a draw of ``size`` from ``pool`` with ``seed`` picks (the same every time)."""
    return sorted(random.Random(seed).sample(sorted(pool), min(size, len(pool))))


def draw(bureau_id: int, size: int, *, actor_id: int, seed: str | None = None) -> CaseDraw:
    """Draw ``size`` files at random from the county's closed cases not yet drawn."""
    if size < 1:
        raise CaseError("抽取数量至少为 1。")
    already = select(CaseSelection.case_file_id).where(CaseSelection.kind == "drawn")
    pool = list(
        db.session.scalars(
            select(CaseFile.id).where(
                CaseFile.bureau_id == bureau_id,
                CaseFile.closed_on.is_not(None),
                CaseFile.id.not_in(already),
            )
        )
    )
    if not pool:
        raise CaseError("该单位没有可供抽取的已结案卷。")
    seed = seed or secrets.token_hex(8)
    row = CaseDraw(
        bureau_id=bureau_id, seed=seed, size=size, pool=sorted(pool), created_by=actor_id
    )
    row.drawn = draw_sample(pool, size, seed)
    db.session.add(row)
    db.session.flush()
    for case in db.session.scalars(select(CaseFile).where(CaseFile.id.in_(row.drawn))):
        select_file(case, "drawn", actor_id=actor_id, draw_id=row.id)
    write_audit(
        "casestudies.casefile.draw",
        "cs_case_draw",
        row.id,
        actor_id=actor_id,
        bureau_id=bureau_id,
        new={"seed": seed, "pool": row.pool, "drawn": row.drawn},
    )
    return row


def replay(row: CaseDraw) -> bool:
    """Redo a stored draw from its seed and pool: True when it picks the same files."""
    return draw_sample(row.pool, row.size, row.seed) == row.drawn


def selected(kind: str, bureau_id: int | None = None) -> list[CaseFile]:
    stmt = (
        select(CaseFile)
        .join(CaseSelection, CaseSelection.case_file_id == CaseFile.id)
        .where(CaseSelection.kind == kind)
        .order_by(CaseFile.bureau_id, CaseFile.id)
    )
    if bureau_id is not None:
        stmt = stmt.where(CaseFile.bureau_id == bureau_id)
    return list(db.session.scalars(stmt))


def kinds_of(case_ids: list[int]) -> dict[int, set[str]]:
    """The selection kinds of each file."""
    out: dict[int, set[str]] = {}
    rows = db.session.execute(
        select(CaseSelection.case_file_id, CaseSelection.kind).where(
            CaseSelection.case_file_id.in_(case_ids)
        )
    )
    for case_id, kind in rows:
        out.setdefault(case_id, set()).add(kind)
    return out
