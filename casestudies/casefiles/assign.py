"""Assigning files to reviewers: never the file's county, never a handling officer, even load.

Pure functions on plain data, so the benchmark can run them on thousands of files without a
database. Files with the fewest eligible reviewers are placed first; each takes the eligible
reviewers with the lightest load so far, preferring a second reviewer from another bureau than
the first; ties are broken by a seeded shuffle, so a plan is reproducible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from casestudies.errors import CaseError


@dataclass(frozen=True)
class FileInfo:
    id: int
    bureau_id: int
    officer_ids: frozenset[int]
    label: str = ""


@dataclass(frozen=True)
class ReviewerInfo:
    id: int
    bureau_id: int


def eligible(file: FileInfo, reviewer: ReviewerInfo) -> bool:
    """May this reviewer review this file?"""
    return reviewer.bureau_id != file.bureau_id and reviewer.id not in file.officer_ids


def plan(
    files: list[FileInfo], reviewers: list[ReviewerInfo], *, per_file: int = 2, seed: int = 0
) -> dict[int, list[int]]:
    """file id → reviewer ids, or a CaseError naming a file with too few eligible reviewers."""
    rng = random.Random(seed)
    rank = {r.id: i for i, r in enumerate(rng.sample(reviewers, len(reviewers)))}
    candidates = {f.id: [r for r in reviewers if eligible(f, r)] for f in files}
    short = [f for f in files if len(candidates[f.id]) < per_file]
    if short:
        f = short[0]
        raise CaseError(
            f"案卷 {f.label or f.id} 只有 {len(candidates[f.id])} 名可评查人员"
            f"（需 {per_file} 名，且不能是本单位人员或承办人员）。"
        )
    load = {r.id: 0 for r in reviewers}
    out: dict[int, list[int]] = {}
    for f in sorted(files, key=lambda f: (len(candidates[f.id]), f.id)):
        chosen: list[ReviewerInfo] = []
        for _ in range(per_file):
            bureaus = {c.bureau_id for c in chosen}
            pick = min(
                (r for r in candidates[f.id] if r not in chosen),
                key=lambda r: (load[r.id], r.bureau_id in bureaus, rank[r.id]),
            )
            chosen.append(pick)
            load[pick.id] += 1
        out[f.id] = [r.id for r in chosen]
    return out


def naive_plan(
    files: list[FileInfo], reviewers: list[ReviewerInfo], *, per_file: int = 2, seed: int = 0
) -> dict[int, list[int]]:
    """Two reviewers at random, ignoring every rule (the benchmark's baseline)."""
    rng = random.Random(seed)
    return {f.id: [r.id for r in rng.sample(reviewers, per_file)] for f in files}


def spread(assignment: dict[int, list[int]], reviewers: list[ReviewerInfo]) -> tuple[int, int]:
    """(least, most) files a reviewer got."""
    load = {r.id: 0 for r in reviewers}
    for ids in assignment.values():
        for rid in ids:
            load[rid] += 1
    return min(load.values()), max(load.values())


def violations(
    assignment: dict[int, list[int]], files: list[FileInfo], reviewers: list[ReviewerInfo]
) -> int:
    """How many (file, reviewer) pairs break a rule."""
    by_id = {r.id: r for r in reviewers}
    return sum(1 for f in files for rid in assignment.get(f.id, []) if not eligible(f, by_id[rid]))
