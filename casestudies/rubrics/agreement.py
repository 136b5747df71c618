"""Agreement between the automatic pre-grade and a trainer's verdicts on a labelled corpus.

A corpus is a folder of records (``NAME.txt``) each with a verdict file beside it
(``NAME.json``: ``{"record_type": ..., "verdicts": {criterion key: true|false}, "notes": {...}}``);
``true`` means the trainer finds the criterion fully met (for a veto item: the veto does not
fire). The engine's verdict on a criterion is "every automatic check passed".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable


@dataclass
class Case:
    name: str
    record_type: str
    text: str
    verdicts: dict[str, bool]
    notes: dict[str, str] = field(default_factory=dict)


@dataclass
class Agreement:
    per_criterion: dict[str, tuple[int, int]]
    disagreements: list[tuple[str, str, bool, bool]]

    @property
    def overall(self) -> tuple[int, int]:
        return (
            sum(a for a, _ in self.per_criterion.values()),
            sum(n for _, n in self.per_criterion.values()),
        )

    def rate(self, key: str | None = None) -> float:
        agree, total = self.overall if key is None else self.per_criterion[key]
        return 100.0 * agree / total if total else 100.0


def load_corpus(folder: Path) -> list[Case]:
    cases = []
    for path in sorted(Path(folder).glob("*.txt")):
        data = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        cases.append(
            Case(
                path.stem,
                data["record_type"],
                path.read_text(encoding="utf-8"),
                data["verdicts"],
                data.get("notes", {}),
            )
        )
    return cases


def engine_verdict(entry: dict) -> bool:
    """A criterion is met when its veto did not fire and every check passed."""
    return not entry.get("vetoed") and all(c["passed"] for c in entry.get("checks", []))


def agreement(cases: list[Case], grade: Callable[[str, str], dict]) -> Agreement:
    """Compare ``grade(record_type, text)`` (a pre-grade result) with each case's verdicts."""
    per: dict[str, list[int]] = {}
    wrong = []
    for case in cases:
        result = grade(case.record_type, case.text)["criteria"]
        for key, human in case.verdicts.items():
            engine = engine_verdict(result[key])
            tally = per.setdefault(f"{case.record_type}.{key}", [0, 0])
            tally[0] += engine == human
            tally[1] += 1
            if engine != human:
                wrong.append((case.name, key, human, engine))
    return Agreement({k: (a, n) for k, (a, n) in per.items()}, wrong)
