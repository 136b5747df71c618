"""Drill rounds, inspection teams, drill reports and the points the city awards for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select

from lianbing.accounts.models import Bureau, User
from lianbing.audit import services as audit
from lianbing.auth import BUREAU_ADMIN, CITY_ADMIN, OFFICER, can_manage_bureau
from lianbing.campaign.drills import scores
from lianbing.campaign.drills.models import (
    CROSS_INSPECTION,
    ROUND_KINDS,
    SELF_INSPECTION,
    DrillReport,
    DrillRound,
    DrillTeam,
    DrillTeamMember,
)
from lianbing.campaign.drills.scores import DEFAULT_AWARD_MAX
from lianbing.campaign.models import Campaign
from lianbing.counters import services as counters
from lianbing.dbtypes import utcnow
from lianbing.errors import Conflict, Invalid
from lianbing.extensions import db
from lianbing.logconfig import event

# the report's drill figures (self-evaluation evidence) are cached under this version
for _model in (DrillRound, DrillTeam, DrillReport):
    counters.watch(_model, lambda row: ["drills"])


class DrillError(Invalid):
    """A drill action that cannot be carried out (400); the message is for people."""


def create_round(
    campaign: Campaign,
    kind: str,
    name: str,
    start: date,
    end: date,
    *,
    actor_id: int | None = None,
    pool_only: bool = False,
) -> DrillRound:
    """A round of drills inside the campaign's dates; with ``pool_only`` its team members must
    come from the backbone pool (执法骨干)."""
    name = (name or "").strip()
    _check_round(campaign, kind, name, start, end)
    row = DrillRound(
        campaign_id=campaign.id,
        kind=kind,
        name=name,
        start_date=start,
        end_date=end,
        pool_only=pool_only,
    )
    db.session.add(row)
    db.session.flush()
    _audit_round_created(row, actor_id)
    return row


def _check_round(campaign: Campaign, kind: str, name: str, start: date, end: date) -> None:
    """Refuse an unknown kind, a missing name, or dates reversed or outside the campaign."""
    if kind not in ROUND_KINDS:
        raise DrillError(f"未知的练兵类型：{kind}")
    if not name:
        raise DrillError("请填写轮次名称。")
    if end < start:
        raise DrillError("结束日期不能早于开始日期。")
    if start < campaign.start_date or end > campaign.end_date:
        raise DrillError(
            f"轮次日期须在活动期间（{campaign.start_date} 至 {campaign.end_date}）内。"
        )


def _audit_round_created(row: DrillRound, actor_id: int | None) -> None:
    audit.write(
        "drill.round_create",
        "drill_round",
        row.id,
        actor_id=actor_id,
        new={
            "kind": row.kind,
            "name": row.name,
            "start": str(row.start_date),
            "end": str(row.end_date),
            "pool_only": row.pool_only,
        },
    )


def rounds(campaign_id: int) -> list[DrillRound]:
    return list(
        db.session.scalars(
            select(DrillRound)
            .where(DrillRound.campaign_id == campaign_id)
            .order_by(DrillRound.start_date, DrillRound.id)
        )
    )


def _check_bureaus(round_: DrillRound, home: Bureau, target: Bureau) -> None:
    if home.is_city or target.is_city:
        raise DrillError("检查组的派出单位和被检查单位都须是县级单位。")
    if round_.kind == CROSS_INSPECTION and home.id == target.id:
        raise DrillError(f"交叉检查不能检查本单位：{home.short_name}的检查组须检查其他县区的企业。")
    if round_.kind == SELF_INSPECTION and home.id != target.id:
        raise DrillError("自查轮次的检查组只检查本单位的企业。")


def create_team(
    round_: DrillRound,
    name: str,
    home_bureau_id: int,
    target_bureau_id: int,
    member_ids: list[int],
    *,
    actor_id: int | None = None,
) -> DrillTeam:
    """Form a team of officers from one county to inspect the enterprises of a county."""
    home, target = db.session.get(Bureau, home_bureau_id), db.session.get(Bureau, target_bureau_id)
    if home is None or target is None:
        raise DrillError("请选择派出单位和被检查单位。")
    if not (name or "").strip():
        raise DrillError("请填写检查组名称。")
    _check_bureaus(round_, home, target)
    members = _members(round_, home, target, member_ids)
    team = DrillTeam(
        round=round_, name=name.strip(), home_bureau_id=home.id, target_bureau_id=target.id
    )
    db.session.add(team)
    team.members = [DrillTeamMember(user_id=user.id, user=user) for user in members]
    db.session.flush()
    audit.write(
        "drill.team_create",
        "drill_team",
        team.id,
        actor_id=actor_id,
        new={"name": team.name, "home": home.code, "target": target.code, "members": member_ids},
    )
    scores.expect(round_, actor_id)
    return team


def _members(round_: DrillRound, home: Bureau, target: Bureau, member_ids: list[int]) -> list[User]:
    """The officers to put on a new team, every one checked before the team exists."""
    members: list[User] = []
    for user_id in member_ids:
        user = db.session.get(User, user_id)
        _check_member(round_, home, target.id, user, [m.id for m in members])
        members.append(user)
    return members


def _check_member(
    round_: DrillRound, home: Bureau, target_id: int, user: User | None, current: list[int]
) -> None:
    """Only an officer of the home county, never one of the county a cross inspection visits;
    only a backbone officer when the round requires the pool."""
    if user is None or user.role != OFFICER:
        raise DrillError("只能把执法人员编入检查组。")
    if round_.pool_only and not user.backbone_specialties:
        raise DrillError(
            f"{user.display_name}不在执法骨干库中；本轮次的检查组组员须从执法骨干中选派。"
        )
    if round_.kind == CROSS_INSPECTION and user.bureau_id == target_id:
        raise DrillError(
            f"{user.display_name}属于{user.bureau.short_name}，不能参加检查本单位企业的交叉检查组。"
        )
    if user.bureau_id != home.id:
        raise DrillError(f"{user.display_name}不属于检查组的派出单位{home.short_name}。")
    if user.id in current:
        raise DrillError(f"{user.display_name}已在检查组中。")


def add_member(team: DrillTeam, user_id: int, *, actor_id: int | None = None) -> DrillTeamMember:
    """Put an officer of the team's county on the team; never one of the inspected county.

    The round is now expected of them too, and they share the team's awards in it."""
    user = db.session.get(User, user_id)
    _check_member(
        team.round,
        team.home_bureau,
        team.target_bureau_id,
        user,
        [m.user_id for m in team.members],
    )
    member = DrillTeamMember(user_id=user.id, user=user)
    team.members.append(member)
    db.session.flush()
    scores.expect(team.round, actor_id)
    scores.record_member(team.round, user.id, actor_id=actor_id, reason="加入已获加分的检查组")
    return member


def visible_teams(user, campaign_id: int) -> list[DrillTeam]:
    """Officers: own teams; bureau admins: teams from or inspecting their bureau or one below
    it (a province's admin: its cities' counties); city: all."""
    stmt = (
        select(DrillTeam)
        .join(DrillRound)
        .where(DrillRound.campaign_id == campaign_id)
        .order_by(DrillRound.start_date, DrillTeam.id)
    )
    if user.role == OFFICER:
        stmt = stmt.join(DrillTeamMember).where(DrillTeamMember.user_id == user.id)
    elif user.role == BUREAU_ADMIN:
        subtree = user.bureau.subtree()
        stmt = stmt.where(
            or_(DrillTeam.home_bureau_id.in_(subtree), DrillTeam.target_bureau_id.in_(subtree))
        )
    elif user.role != CITY_ADMIN:
        return []
    return list(db.session.scalars(stmt))


def can_see_team(user, team: DrillTeam) -> bool:
    if user.role == CITY_ADMIN:
        return True
    if user.role == BUREAU_ADMIN:
        return any(can_manage_bureau(user, b) for b in (team.home_bureau_id, team.target_bureau_id))
    return user.role == OFFICER and is_member(user, team)


def is_member(user, team: DrillTeam) -> bool:
    return any(m.user_id == user.id for m in team.members)


@dataclass(frozen=True)
class ReportData:
    enterprise: str
    inspected_on: date
    problems: str
    records_written: int


def file_report(
    team: DrillTeam, data: ReportData, *, user_id: int | None, now: datetime | None = None
) -> DrillReport:
    """A team's report of one inspection, dated inside its round."""
    enterprise = (data.enterprise or "").strip()
    if not enterprise:
        raise DrillError("请填写被检查企业名称。")
    round_ = team.round
    if not round_.start_date <= data.inspected_on <= round_.end_date:
        raise DrillError(f"检查日期须在本轮次期间（{round_.start_date} 至 {round_.end_date}）内。")
    if data.records_written is None or data.records_written < 0:
        raise DrillError("制作笔录份数不能为负数。")
    report = DrillReport(
        team=team,
        enterprise=enterprise,
        inspected_on=data.inspected_on,
        problems=data.problems or "",
        records_written=data.records_written,
        filed_by=user_id,
        filed_at=now or utcnow(),
    )
    db.session.add(report)
    db.session.flush()
    audit.write(
        "drill.report",
        "drill_report",
        report.id,
        actor_id=user_id,
        bureau_id=team.home_bureau_id,
        new={"enterprise": enterprise, "date": str(data.inspected_on)},
    )
    return report


def award(
    report: DrillReport,
    points: float,
    max_points: float = DEFAULT_AWARD_MAX,
    *,
    actor_id: int | None = None,
    now: datetime | None = None,
) -> None:
    """The city awards points for a report; every member of the team gets them in the round's
    one ledger line (see ``scores``)."""
    _check_award_points(points, max_points)
    team = report.team
    if not team.members:
        raise DrillError("检查组没有成员，无法加分。")
    report.award_points, report.award_max, report.awarded_at = (
        float(points),
        float(max_points),
        now or utcnow(),
    )
    db.session.flush()
    for member in team.members:
        scores.record_member(team.round, member.user_id, actor_id=actor_id)
    event(
        "drills",
        "drill report %s awarded %s/%s to %s members of team %s by user %s",
        report.id,
        points,
        max_points,
        len(team.members),
        team.id,
        actor_id,
        actor_id=actor_id,
        target=f"drill_report:{report.id}",
        count=len(team.members),
    )


def _check_award_points(points: float, max_points: float) -> None:
    """A positive full mark and points between 0 and it."""
    if max_points is None or max_points <= 0:
        raise DrillError("满分须大于 0。")
    if points is None or not 0 <= points <= max_points:
        raise DrillError(f"加分须在 0 到 {max_points:g} 之间。")


def delete_round(round_: DrillRound, *, actor_id: int | None = None) -> None:
    """Cancel a round nobody has reported on yet: its teams go, and nobody is expected to take
    part any more. A round with reports keeps its paper trail and cannot be deleted."""
    if any(team.reports for team in round_.teams):
        raise Conflict(f"“{round_.name}”已有检查组提交报告，不能删除。")
    scores.withdraw(round_, actor_id)
    audit.write(
        "drill.round_delete",
        "drill_round",
        round_.id,
        actor_id=actor_id,
        old={"kind": round_.kind, "name": round_.name, "teams": len(round_.teams)},
    )
    event("drills", "drill round %s deleted", round_.id, actor_id=actor_id)
    db.session.delete(round_)
    db.session.flush()
