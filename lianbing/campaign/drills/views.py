"""Drills: rounds, teams, reports and awards."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lianbing.accounts import services as accounts
from lianbing.auth import BUREAU_ADMIN, CITY_ADMIN, OFFICER, require_role
from lianbing.campaign import services as campaigns
from lianbing.campaign.attachments import services as attachments
from lianbing.campaign.attachments.web import serve_attachment
from lianbing.campaign.drills import services
from lianbing.campaign.drills.forms import (
    AwardForm,
    DeleteForm,
    MemberForm,
    ReportForm,
    RoundForm,
    TeamForm,
)
from lianbing.campaign.drills.models import DrillReport, DrillRound, DrillTeam
from lianbing.campaign.web import get_campaign, no_active_campaign
from lianbing.errors import Conflict
from lianbing.extensions import db
from lianbing.files.services import UploadError
from lianbing.web import flash_errors, rerender

bp = Blueprint("drills", __name__, url_prefix="/drills", template_folder="templates")
OWNER = "drill_report"
MAX_BYTES = 10 * attachments.MB
ROLES = (OFFICER, BUREAU_ADMIN, CITY_ADMIN)


@bp.route("/")
@require_role(*ROLES)
def index():
    campaign = campaigns.active_campaign()
    if campaign is None:
        return no_active_campaign()
    return redirect(url_for("drills.rounds", campaign_id=campaign.id))


def _rounds_context(campaign, form) -> dict:
    teams = services.visible_teams(current_user, campaign.id)
    return {
        "campaign": campaign,
        "rounds": services.rounds(campaign.id),
        "teams": teams,
        "form": form,
    }


@bp.route("/<int:campaign_id>")
@require_role(*ROLES)
def rounds(campaign_id: int):
    campaign = get_campaign(campaign_id)
    return render_template("campaign/drills/rounds.html", **_rounds_context(campaign, RoundForm()))


@bp.route("/<int:campaign_id>/rounds", methods=["POST"])
@require_role(CITY_ADMIN)
def create_round(campaign_id: int):
    campaign = get_campaign(campaign_id)
    form = RoundForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template(
            "campaign/drills/rounds.html", **_rounds_context(campaign, form)
        ), 400
    try:
        row = services.create_round(
            campaign,
            form.kind.data,
            form.name.data,
            form.start_date.data,
            form.end_date.data,
            actor_id=current_user.id,
            pool_only=form.pool_only.data,
        )
    except services.DrillError as err:
        return rerender(err, "campaign/drills/rounds.html", **_rounds_context(campaign, form))
    flash("练兵轮次已创建。", "success")
    return redirect(url_for("drills.round_detail", round_id=row.id))


def _officer_choice(user, with_bureau: bool = True) -> tuple[int, str]:
    """An officer as a choice, with their bureau and backbone specialties."""
    notes = [user.bureau.short_name] if with_bureau else []
    notes += [accounts.backbone_label(user)] if user.backbone_specialties else []
    return user.id, user.display_name + (f"（{'，'.join(notes)}）" if notes else "")


def _candidates(round_: DrillRound, bureau_id: int | None) -> list:
    """The officers a team of the round may take: the backbone pool when the round requires it."""
    if round_.pool_only:
        return [u for u in accounts.backbone_pool(bureau_id=bureau_id) if u.role == OFFICER]
    return accounts.users_of(bureau_id, role=OFFICER, include_inactive=False)


def _team_form(round_: DrillRound) -> TeamForm:
    form = TeamForm()
    counties = [(b.id, b.short_name) for b in accounts.county_bureaus()]
    form.home_bureau_id.choices = form.target_bureau_id.choices = counties
    form.member_ids.choices = [_officer_choice(u) for u in _candidates(round_, None)]
    return form


def _round_context(round_, form) -> dict:
    visible = {t.id for t in services.visible_teams(current_user, round_.campaign_id)}
    return {
        "round": round_,
        "teams": [t for t in round_.teams if t.id in visible],
        "form": form,
        "delete_form": DeleteForm(),
    }


@bp.route("/rounds/<int:round_id>")
@require_role(*ROLES)
def round_detail(round_id: int):
    round_ = db.get_or_404(DrillRound, round_id)
    return render_template(
        "campaign/drills/round.html", **_round_context(round_, _team_form(round_))
    )


@bp.route("/rounds/<int:round_id>/teams", methods=["POST"])
@require_role(CITY_ADMIN)
def create_team(round_id: int):
    round_ = db.get_or_404(DrillRound, round_id)
    form = _team_form(round_)
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("campaign/drills/round.html", **_round_context(round_, form)), 400
    try:
        team = services.create_team(
            round_,
            form.name.data,
            form.home_bureau_id.data,
            form.target_bureau_id.data,
            form.member_ids.data,
            actor_id=current_user.id,
        )
    except services.DrillError as err:
        return rerender(err, "campaign/drills/round.html", **_round_context(round_, form))
    flash("检查组已组建。", "success")
    return redirect(url_for("drills.team_detail", team_id=team.id))


@bp.route("/rounds/<int:round_id>/delete", methods=["POST"])
@require_role(CITY_ADMIN)
def delete_round(round_id: int):
    round_, form = db.get_or_404(DrillRound, round_id), DeleteForm()
    context = _round_context(round_, _team_form(round_))
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("campaign/drills/round.html", **context), 400
    campaign_id = round_.campaign_id
    try:
        services.delete_round(round_, actor_id=current_user.id)
    except Conflict as err:
        return rerender(err, "campaign/drills/round.html", **context)
    flash("练兵轮次已删除，不再计入应参加的活动。", "success")
    return redirect(url_for("drills.rounds", campaign_id=campaign_id))


def _load_team(team_id: int) -> DrillTeam:
    team = db.get_or_404(DrillTeam, team_id)
    if not services.can_see_team(current_user, team):
        abort(403)
    return team


def _member_form(team: DrillTeam) -> MemberForm:
    form = MemberForm()
    members = {m.user_id for m in team.members}
    form.user_id.choices = [
        _officer_choice(u, with_bureau=False)
        for u in _candidates(team.round, team.home_bureau_id)
        if u.id not in members
    ]
    return form


def _team_context(team, report_form=None, member_form=None) -> dict:
    files = {r.id: attachments.files_of(OWNER, r.id) for r in team.reports}
    return {
        "team": team,
        "round": team.round,
        "files": files,
        "report_form": report_form or ReportForm(),
        "member_form": member_form or _member_form(team),
        "award_form": AwardForm(),
        "can_file": current_user.role == CITY_ADMIN or services.is_member(current_user, team),
    }


@bp.route("/teams/<int:team_id>")
@require_role(*ROLES)
def team_detail(team_id: int):
    team = _load_team(team_id)
    return render_template("campaign/drills/team.html", **_team_context(team))


@bp.route("/teams/<int:team_id>/members", methods=["POST"])
@require_role(CITY_ADMIN)
def add_member(team_id: int):
    team = _load_team(team_id)
    try:
        services.add_member(
            team, request.form.get("user_id", 0, type=int), actor_id=current_user.id
        )
    except services.DrillError as err:
        return rerender(err, "campaign/drills/team.html", **_team_context(team))
    flash("已加入检查组。", "success")
    return redirect(url_for("drills.team_detail", team_id=team.id))


def _file(team: DrillTeam, form: ReportForm) -> None:
    """File the team's report and attach its photos and scans."""
    data = services.ReportData(
        form.enterprise.data, form.inspected_on.data, form.problems.data, form.records_written.data
    )
    report = services.file_report(team, data, user_id=current_user.id)
    attachments.attach(
        OWNER,
        report.id,
        form.attachments.data or [],
        allowed=attachments.DOCUMENT_TYPES,
        max_bytes=MAX_BYTES,
        user_id=current_user.id,
    )


@bp.route("/teams/<int:team_id>/reports", methods=["POST"])
@require_role(OFFICER, CITY_ADMIN)
def file_report(team_id: int):
    team, form = _load_team(team_id), ReportForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template(
            "campaign/drills/team.html", **_team_context(team, report_form=form)
        ), 400
    try:
        _file(team, form)
    except (services.DrillError, UploadError) as err:
        return rerender(err, "campaign/drills/team.html", **_team_context(team, report_form=form))
    flash("练兵报告已提交。", "success")
    return redirect(url_for("drills.team_detail", team_id=team.id))


@bp.route("/reports/<int:report_id>/award", methods=["POST"])
@require_role(CITY_ADMIN)
def award(report_id: int):
    report, form = db.get_or_404(DrillReport, report_id), AwardForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("campaign/drills/team.html", **_team_context(report.team)), 400
    try:
        services.award(report, form.points.data, form.max_points.data, actor_id=current_user.id)
    except services.DrillError as err:
        return rerender(err, "campaign/drills/team.html", **_team_context(report.team))
    flash(f"已为检查组每位成员记 {form.points.data:g} 分。", "success")
    return redirect(url_for("drills.team_detail", team_id=report.team_id))


@bp.route("/files/<int:file_id>")
@require_role(*ROLES)
def file(file_id: int):
    return serve_attachment(OWNER, file_id, _visible_report)


def _visible_report(report_id: int) -> DrillReport:
    report = db.get_or_404(DrillReport, report_id)
    _load_team(report.team_id)
    return report
