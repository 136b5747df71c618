"""Ledger commands through the CLI runner."""

from __future__ import annotations

from lianbing.extensions import db
from lianbing.ledger.models import ScoreTotal


def test_rebuild_totals_command(runner, people, campaign, rec, ledger_sums, total_sums):
    rec(people["officer_441402_1"], "quiz", "q1", 40)
    db.session.execute(ScoreTotal.__table__.delete())
    db.session.commit()
    result = runner.invoke(args=["ledger", "rebuild-totals"])
    assert result.exit_code == 0 and "已重新汇总" in result.output
    assert total_sums(campaign.id) == ledger_sums(campaign.id) != {}
    bad = runner.invoke(args=["ledger", "rebuild-totals", "--campaign-id", "999"])
    assert bad.exit_code == 1 and "找不到" in bad.output
