"""drills: one ledger line per drill round and member (ref drill_round:<id>), not per report

Revision ID: 0190_drills
Revises: 0180_county
Create Date: 2026-11-30 11:20:00

Rewrites the award lines ``drill:<report_id>`` into ``drill_round:<round_id>`` lines: per
(campaign, officer, round) the oldest line is kept and holds the sums of points and full marks
(so every per-kind sum the rankings read stays the same), the others are deleted and their
audit rows are pointed at the kept line, and one audit row per kept line records the rewrite.
Expected activities typed by hand as ``drill:<report_id>`` name their round instead.
"""

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from lianbing.dbtypes import UTCDateTime, utcnow

# revision identifiers, used by Alembic.
revision = "0190_drills"
down_revision = "0190_nextyear"
branch_labels = None
depends_on = None

REASON = "实战练兵成绩改为每轮次一条（合并该轮次各报告的加分）"

entries = sa.table(
    "score_entries",
    sa.column("id", sa.Integer),
    sa.column("campaign_id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("ref", sa.String),
    sa.column("title", sa.String),
    sa.column("points", sa.Float),
    sa.column("max_points", sa.Float),
    sa.column("achieved_at", UTCDateTime),
    sa.column("updated_at", UTCDateTime),
    sa.column("detail", sa.JSON),
)
reports = sa.table(
    "campaign_drill_reports", sa.column("id", sa.Integer), sa.column("team_id", sa.Integer)
)
teams = sa.table(
    "campaign_drill_teams", sa.column("id", sa.Integer), sa.column("round_id", sa.Integer)
)
rounds = sa.table(
    "campaign_drill_rounds", sa.column("id", sa.Integer), sa.column("name", sa.String)
)
audit = sa.table(
    "audit_log",
    sa.column("at", UTCDateTime),
    sa.column("action", sa.String),
    sa.column("target_type", sa.String),
    sa.column("target_id", sa.String),
    sa.column("old", sa.JSON),
    sa.column("new", sa.JSON),
    sa.column("reason", sa.Text),
)
expected = sa.table(
    "expected_activities",
    sa.column("id", sa.Integer),
    sa.column("campaign_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("ref", sa.String),
)
totals = sa.table(
    "score_totals",
    sa.column("campaign_id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("entries", sa.Integer),
)
versions = sa.table(
    "ledger_versions", sa.column("campaign_id", sa.Integer), sa.column("version", sa.Integer)
)


def _report_rounds(conn) -> dict[str, tuple[int, str]]:
    """``drill:<report_id>`` -> (round id, round name) of every report that still exists."""
    stmt = (
        sa.select(reports.c.id, rounds.c.id, rounds.c.name)
        .join(teams, teams.c.id == reports.c.team_id)
        .join(rounds, rounds.c.id == teams.c.round_id)
    )
    return {f"drill:{rid}": (round_id, name) for rid, round_id, name in conn.execute(stmt)}


def _groups(conn, by_ref) -> dict[tuple, list]:
    """The drill award lines grouped by (campaign, officer, round id), oldest first."""
    stmt = (
        sa.select(entries)
        .where(entries.c.kind == "award", entries.c.ref.like("drill:%"))
        .order_by(entries.c.id)
    )
    groups = defaultdict(list)
    for row in conn.execute(stmt):
        if row.ref in by_ref:
            groups[(row.campaign_id, row.user_id, by_ref[row.ref])].append(row)
    return groups


def _merge(conn, round_id: int, name: str, rows: list) -> None:
    """Keep the oldest line of the group with the group's sums; point the rest's audit at it."""
    keep, rest = rows[0], rows[1:]
    new = {
        "ref": f"drill_round:{round_id}",
        "title": name,
        "points": sum(r.points for r in rows),
        "max_points": sum(r.max_points for r in rows),
        "achieved_at": max(r.achieved_at for r in rows),
        "detail": {"report_ids": sorted(int(r.ref.split(":")[1]) for r in rows)},
    }
    conn.execute(entries.update().where(entries.c.id == keep.id).values(updated_at=utcnow(), **new))
    if rest:
        gone = [str(r.id) for r in rest]
        conn.execute(
            audit.update()
            .where(audit.c.target_type == "score_entry", audit.c.target_id.in_(gone))
            .values(target_id=str(keep.id))
        )
        conn.execute(entries.delete().where(entries.c.id.in_([r.id for r in rest])))
    old = {"refs": [r.ref for r in rows], "entry_ids": [r.id for r in rows]}
    summary = {"ref": new["ref"], "points": new["points"], "max_points": new["max_points"]}
    conn.execute(
        audit.insert().values(
            at=utcnow(),
            action="score.update",
            target_type="score_entry",
            target_id=str(keep.id),
            old=old,
            new=summary,
            reason=REASON,
        )
    )


def _rename_expected(conn, by_ref) -> None:
    """A hand-typed expected ``drill:<report_id>`` names its round (unless the round has one)."""
    stmt = sa.select(expected).where(expected.c.kind == "award", expected.c.ref.like("drill:%"))
    taken = {
        (row.campaign_id, row.ref)
        for row in conn.execute(sa.select(expected).where(expected.c.ref.like("drill_round:%")))
    }
    for row in conn.execute(stmt).all():
        if row.ref not in by_ref:
            continue
        ref = f"drill_round:{by_ref[row.ref][0]}"
        if (row.campaign_id, ref) not in taken:
            conn.execute(expected.update().where(expected.c.id == row.id).values(ref=ref))
            taken.add((row.campaign_id, ref))


def _recount(conn, campaigns: set[int]) -> None:
    """The award cells hold fewer lines now (their sums are unchanged); cached rankings go."""
    count = (
        sa.select(sa.func.count())
        .select_from(entries)
        .where(
            entries.c.campaign_id == totals.c.campaign_id,
            entries.c.user_id == totals.c.user_id,
            entries.c.kind == totals.c.kind,
        )
        .scalar_subquery()
    )
    where = (totals.c.kind == "award") & totals.c.campaign_id.in_(campaigns)
    conn.execute(totals.update().where(where).values(entries=count))
    conn.execute(
        versions.update()
        .where(versions.c.campaign_id.in_(campaigns))
        .values(version=versions.c.version + 1)
    )


def rewrite(conn) -> None:
    """Turn per-report drill award lines into per-round lines (see the module docstring)."""
    by_ref = _report_rounds(conn)
    groups = _groups(conn, by_ref)
    for (_campaign, _user, (round_id, name)), rows in groups.items():
        _merge(conn, round_id, name, rows)
    _rename_expected(conn, by_ref)
    campaigns = {campaign for campaign, _user, _round in groups}
    if campaigns:
        _recount(conn, campaigns)


def upgrade():
    rewrite(op.get_bind())


def downgrade():
    # The per-report lines cannot be split back out of their round's sums; the per-round lines
    # stay valid ledger rows (their audit rows say which reports they came from).
    pass
