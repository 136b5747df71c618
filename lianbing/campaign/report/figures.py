"""The report's figures for one scope (a county, or the whole city), and the city's table.

Host figures come from the host's own models and the ledger; each enabled part adds its own
through ``Part.report_figures`` (decision 0023). Nothing is stored: figures are counted when
the report is shown or exported, so they are always the platform's current ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import distinct, func, select

from lianbing.accounts import services as accounts
from lianbing.accounts.models import Bureau
from lianbing.activities import kind_label
from lianbing.campaign import schedule
from lianbing.campaign.bulletins import services as bulletins
from lianbing.campaign.column.models import PenaltyCase
from lianbing.campaign.drills.models import DrillReport, DrillTeam
from lianbing.campaign.models import Campaign
from lianbing.campaign.report import ledger
from lianbing.dbtypes import local_to_utc
from lianbing.extensions import db
from lianbing.parts import ReportFigure, ReportScope, registry
from lianbing.rankings.models import Nomination

PEOPLE, DRILLS, LEDGER, PAPERWORK = "参训人员", "实战练兵", "积分台账", "报送与宣传"


@dataclass(frozen=True)
class Column:
    """One scope's figures: a county, or the city as a whole."""

    bureau: Bureau | None
    figures: list[ReportFigure]

    @property
    def name(self) -> str:
        return self.bureau.short_name if self.bureau else "全市"

    def value(self, section: str, label: str):
        return next(
            (f.value for f in self.figures if (f.section, f.label) == (section, label)), None
        )


def percent(part: float, whole: float) -> float:
    """A share in per cent with one decimal (0 when there is no whole)."""
    return round(100.0 * part / whole, 1) if whole else 0.0


def scope(campaign: Campaign, bureau_ids: tuple[int, ...]) -> ReportScope:
    starts = local_to_utc(datetime.combine(campaign.start_date, time()))
    ends = local_to_utc(datetime.combine(campaign.end_date + timedelta(days=1), time()))
    return ReportScope(campaign.id, starts, ends, bureau_ids)


def city_ids() -> tuple[int, ...]:
    return tuple(b.id for b in accounts.all_bureaus())


def bureau_ids_for(bureau: Bureau) -> tuple[int, ...]:
    """The bureaus a bureau's report counts: the city counts every bureau."""
    return city_ids() if bureau.is_city else (bureau.id,)


def figures_for(campaign: Campaign, bureau: Bureau, facts=None) -> list[ReportFigure]:
    """Every figure of one bureau's report (the city's report covers the whole city)."""
    facts = facts or ledger.read(campaign.id)
    ids = bureau_ids_for(bureau)
    people, kinds = ledger_figures(facts, ids)
    return assemble(
        people,
        part_figures(campaign, ids),
        drill_figures(campaign, bureau),
        kinds,
        paperwork_figures(campaign, bureau),
    )


def assemble(people, parts, drills, kinds, paperwork) -> list[ReportFigure]:
    """The sections in the report's order."""
    return [*people, *parts, *drills, *kinds, *paperwork]


def ledger_figures(facts: ledger.LedgerFacts, ids: tuple[int, ...]) -> tuple[list, list]:
    """Who took part, and participation and mean share per kind: the ledger's figures."""
    return _people(facts, ids), _ledger(facts, ids)


def part_figures(campaign: Campaign, ids: tuple[int, ...]) -> list[ReportFigure]:
    """What every enabled part counts in its own tables for these bureaus."""
    reach, found = scope(campaign, ids), []
    for part in registry().parts.values():
        if part.report_figures:
            found += part.report_figures(reach)
    return found


def drill_figures(campaign: Campaign, bureau: Bureau) -> list[ReportFigure]:
    return _drills(campaign, bureau_ids_for(bureau), bureau.is_city)


def paperwork_figures(campaign: Campaign, bureau: Bureau) -> list[ReportFigure]:
    return _paperwork(campaign, bureau_ids_for(bureau), bureau.is_city)


def city_table(campaign: Campaign) -> list[Column]:
    """The whole city first, then a column per county, from one read of the ledger."""
    facts = ledger.read(campaign.id)
    city = accounts.city_bureau()
    columns = [Column(None, figures_for(campaign, city, facts))] if city else []
    return columns + [Column(b, figures_for(campaign, b, facts)) for b in accounts.county_bureaus()]


def _people(facts: ledger.LedgerFacts, ids: tuple[int, ...]) -> list[ReportFigure]:
    officers = sum(facts.officers.get(i, 0) for i in ids)
    taking = sum(facts.people.get(i, 0) for i in ids)
    return [
        ReportFigure(PEOPLE, "执法人员（人）", officers),
        ReportFigure(PEOPLE, "参加练兵（人）", taking),
        ReportFigure(PEOPLE, "参与率（%）", percent(taking, officers)),
    ]


def _drills(campaign: Campaign, ids: tuple[int, ...], whole_city: bool) -> list[ReportFigure]:
    teams = select(DrillTeam.id, DrillTeam.round_id).where(
        DrillTeam.round.has(campaign_id=campaign.id)
    )
    if not whole_city:
        teams = teams.where(DrillTeam.home_bureau_id.in_(ids))
    teams = teams.subquery()
    rounds, team_count = db.session.execute(
        select(func.count(distinct(teams.c.round_id)), func.count(teams.c.id))
    ).one()
    inspected, problems = db.session.execute(
        select(
            func.count(distinct(DrillReport.enterprise)),
            func.count(DrillReport.id).filter(DrillReport.problems != ""),
        ).where(DrillReport.team_id.in_(select(teams.c.id)))
    ).one()
    return [
        ReportFigure(DRILLS, "参加练兵轮次（轮）", rounds),
        ReportFigure(DRILLS, "检查组（个）", team_count),
        ReportFigure(DRILLS, "检查企业（家）", inspected),
        ReportFigure(DRILLS, "发现问题（条）", problems),
    ]


def _ledger(facts, ids: tuple[int, ...]) -> list[ReportFigure]:
    cells = ledger.combined(facts, ids)
    found = []
    for kind in registry().kinds:
        cell = cells.get(kind, ledger.KindCell())
        label = kind_label(kind)
        found += [
            ReportFigure(LEDGER, f"{label}：参加（人）", cell.people),
            ReportFigure(
                LEDGER, f"{label}：平均得分率（%）", percent(cell.points, cell.max_points)
            ),
        ]
    return found


def _paperwork(campaign: Campaign, ids: tuple[int, ...], whole_city: bool) -> list:
    _, rows = bulletins.board(campaign, schedule.today_local(), list(ids))
    states = [c.state for _, cells in rows for c in cells]
    cases = select(func.count()).where(
        PenaltyCase.campaign_id == campaign.id, PenaltyCase.is_disclosed.is_(True)
    )
    if not whole_city:
        cases = cases.where(PenaltyCase.bureau_id.in_(ids))
    nominated = select(func.count()).where(
        Nomination.campaign_id == campaign.id, Nomination.bureau_id.in_(ids)
    )
    return [
        ReportFigure(PAPERWORK, "简报按时报送（期）", states.count(bulletins.ON_TIME)),
        ReportFigure(PAPERWORK, "简报逾期报送（期）", states.count(bulletins.LATE)),
        ReportFigure(PAPERWORK, "简报未报（期）", states.count(bulletins.MISSING)),
        ReportFigure(PAPERWORK, "公开曝光案件（件）", db.session.scalar(cases)),
        ReportFigure(
            PAPERWORK,
            "推荐先进个人（人）",
            db.session.scalar(nominated.where(Nomination.status.in_(("submitted", "accepted")))),
        ),
        ReportFigure(
            PAPERWORK,
            "市局采纳推荐（人）",
            db.session.scalar(nominated.where(Nomination.status == "accepted")),
        ),
    ]
