"""The report's figures as the self-evaluation's evidence, kept per version of their sources.

A county opens its self-evaluation many times; the figures beside its items change only when
what they count changes. Each host section is cached under the versions of its sources, read
before the data (decision 0017), so a change is seen by every worker at its next view:

- who took part and the share per kind: the campaign's ledger version (roster changes bump it
  too) and the bureau tree (``bureaus``);
- drills: ``drills`` (rounds, teams and reports, bumped by ``counters.watch``);
- bulletins, exposed cases and nominations: ``bulletins:<campaign>``, ``column``,
  ``nominations:<campaign>`` and today's Beijing date (a bulletin turns missing at midnight).

The parts' figures come from the parts' own tables, which keep no version the host can read:
they are counted on every view, as on the report page.
"""

from __future__ import annotations

from lianbing.accounts.models import Bureau
from lianbing.campaign import schedule
from lianbing.campaign.models import Campaign
from lianbing.campaign.report import figures, ledger
from lianbing.counters import services as counters
from lianbing.counters.fragments import kept as _kept
from lianbing.ledger import versions
from lianbing.parts import ReportFigure


def evidence_figures(campaign: Campaign, bureau: Bureau) -> list[ReportFigure]:
    """The figures of one bureau's report, the host's sections from the cache."""
    c, b = campaign.id, bureau.id
    tree, drills, bulletins, column, nominated = counters.values(
        ["bureaus", "drills", f"bulletins:{c}", "column", f"nominations:{c}"]
    )
    ids = figures.bureau_ids_for(bureau)
    people, kinds = _kept(
        f"evidence:ledger:{c}:{b}:{versions.current(c)}.{tree}",
        lambda: figures.ledger_figures(ledger.read(c), ids),
    )
    drill = _kept(
        f"evidence:drills:{c}:{b}:{drills}.{tree}",
        lambda: figures.drill_figures(campaign, bureau),
    )
    paperwork = _kept(
        f"evidence:paperwork:{c}:{b}:{bulletins}.{column}.{nominated}.{tree}:"
        f"{schedule.today_local()}",
        lambda: figures.paperwork_figures(campaign, bureau),
    )
    return figures.assemble(people, figures.part_figures(campaign, ids), drill, kinds, paperwork)
