"""The demo case files: two counties, documents and records, a draw, a review with a reconciled
disagreement and a veto, ledger lines; loading twice changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from casestudies import demo
from casestudies.casefiles import results, selection
from casestudies.casefiles.demo import LEADER
from casestudies.casefiles.models import CaseDraw, CaseFile, CaseResult, CaseReview
from lianbing.extensions import db
from lianbing.files.storage import open_blob
from lianbing.ledger.models import ScoreEntry

from .conftest import user


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_case_files_are_reviewed_and_idempotent(world):
    cases = db.session.scalars(select(CaseFile).order_by(CaseFile.id)).all()
    assert len(cases) == 6 and len({c.bureau_id for c in cases}) == 2
    for case in cases:
        assert len(case.documents) == 2 and case.records and case.records[0].pregrade
        assert all(d.filename.endswith(".pdf") for d in case.documents)
        assert case.closed_on < world.start_date
    with open_blob(cases[0].documents[0].sha256) as fh:
        assert fh.read(5) == b"%PDF-"
    draws = db.session.scalars(select(CaseDraw)).all()
    assert len(draws) == 2 and all(selection.replay(d) for d in draws)
    finals = db.session.scalars(select(CaseResult).where(CaseResult.status == "final")).all()
    assert any(r.reconciled_by == user(LEADER).id for r in finals)
    failed = [r for r in finals if not r.passed]
    assert len(failed) == 1 and "主要证据缺失" in failed[0].fail_reason
    assert _count(CaseResult) > len(finals)  # one file still waits for its second reviewer
    officers = {u.id for r in finals for u in r.case_file.officers}
    ledger = db.session.scalars(select(ScoreEntry).where(ScoreEntry.kind == "case_file")).all()
    assert {e.user_id for e in ledger} == officers and {e.campaign_id for e in ledger} == {world.id}
    report = results.report()
    assert report.city.count == len(finals) and len(report.counties) == 2 and report.problems
    counts = [_count(m) for m in (CaseFile, CaseReview, CaseDraw, ScoreEntry)]
    demo.load(world.id)
    db.session.commit()
    assert [_count(m) for m in (CaseFile, CaseReview, CaseDraw, ScoreEntry)] == counts
