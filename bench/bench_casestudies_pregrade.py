"""Agreement of the pre-grade with a trainer's verdicts on the labelled corpus of 40 records.

Baseline, measured in the same run: the engine before the layout-aware reader (a frozen copy
of its parser, checks and demo rubrics in bench/_old_pregrade/).
"""

from __future__ import annotations

from pathlib import Path

from bench._old_pregrade import checks as old_checks
from bench._old_pregrade import demo as old_demo
from bench._old_pregrade import records as old_records
from bench.common import line
from casestudies.exercises.records import parse_record
from casestudies.rubrics import checks
from casestudies.rubrics import demo as rubrics_demo
from casestudies.rubrics.agreement import agreement, load_corpus

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "casestudies" / "corpus"


def graders():
    new = {
        t: checks.compile_rubric(getattr(rubrics_demo, t.upper()))
        for t in ("inspection", "inquiry")
    }
    old = {
        t: old_checks.compile_rubric(getattr(old_demo, t.upper()))
        for t in ("inspection", "inquiry")
    }

    def grade_new(kind, text):
        return checks.pregrade(new[kind], parse_record(text))

    def grade_old(kind, text):
        return old_checks.pregrade(old[kind], old_records.parse_record(text))

    return grade_new, grade_old


def main() -> None:
    cases = load_corpus(CORPUS)
    grade_new, grade_old = graders()
    now, before = agreement(cases, grade_new), agreement(cases, grade_old)
    line("casestudies.pregrade_agreement", now.rate(), "%", before.rate())
    print(f"{'criterion':<16}{'now':>8}{'before':>8}")
    for key in now.per_criterion:
        print(f"{key:<16}{now.rate(key):>7.1f}%{before.rate(key):>7.1f}%")
    for name, key, human, engine in now.disagreements:
        print(f"  disagrees: {name} {key} trainer={human} engine={engine}")


if __name__ == "__main__":
    main()
