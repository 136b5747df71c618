"""The calendar timeline page, deadlines, operations settings and the home-page summary."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from lianbing.auth import CITY_ADMIN, any_user, require_role
from lianbing.campaign import services as campaigns
from lianbing.campaign import todo
from lianbing.campaign.schedule import services
from lianbing.campaign.schedule.forms import DeadlineForm, DeleteForm, SettingsForm
from lianbing.campaign.schedule.models import Deadline
from lianbing.campaign.viewhelpers import get_campaign, no_active_campaign, refuse
from lianbing.extensions import db
from lianbing.web import flash_errors

bp = Blueprint("schedule", __name__, url_prefix="/calendar")


@bp.app_template_global("ops_dashboard")
def ops_dashboard() -> dict | None:
    """The current stage and next deadlines of the active campaign, for the home page."""
    campaign = campaigns.active_campaign()
    if campaign is None:
        return None
    today = services.today_local()
    return {"campaign": campaign, "today": today, "stage": campaigns.current_stage(campaign, today),
            "deadlines": services.upcoming_deadlines(campaign, today), "todos": todo.todos(current_user, campaign)}


@bp.route("/")
@any_user
def index():
    campaign = campaigns.active_campaign()
    if campaign is None:
        return no_active_campaign()
    return redirect(url_for("schedule.timeline", campaign_id=campaign.id))


def _timeline_context(campaign) -> dict:
    today = services.today_local()
    deadlines = services.all_deadlines(campaign)
    return {"campaign": campaign, "today": today, "deadlines": deadlines,
            "current": campaigns.current_stage(campaign, today),
            "bars": services.timeline_bars(campaign, list(campaign.stages), deadlines),
            "settings": services.settings_for(campaign), "form": DeadlineForm(), "delete_form": DeleteForm()}


@bp.route("/<int:campaign_id>")
@any_user
def timeline(campaign_id: int):
    campaign = get_campaign(campaign_id)
    return render_template("campaign/schedule/timeline.html", **_timeline_context(campaign))


@bp.route("/<int:campaign_id>/deadlines", methods=["POST"])
@require_role(CITY_ADMIN)
def add_deadline(campaign_id: int):
    campaign = get_campaign(campaign_id)
    form = DeadlineForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("campaign/schedule/timeline.html", **_timeline_context(campaign)), 400
    try:
        services.add_deadline(campaign, form.name.data, form.due_date.data, form.kind.data,
                              actor_id=current_user.id)
    except services.ScheduleError as exc:
        return refuse(str(exc), 400, "campaign/schedule/timeline.html", **_timeline_context(campaign))
    db.session.commit()
    flash("截止事项已添加。", "success")
    return redirect(url_for("schedule.timeline", campaign_id=campaign.id))


@bp.route("/deadlines/<int:deadline_id>/delete", methods=["POST"])
@require_role(CITY_ADMIN)
def delete_deadline(deadline_id: int):
    row = db.session.get(Deadline, deadline_id) or abort(404)
    campaign_id = row.campaign_id
    if DeleteForm().validate_on_submit():
        services.delete_deadline(row, actor_id=current_user.id)
        db.session.commit()
        flash("截止事项已删除。", "success")
    return redirect(url_for("schedule.timeline", campaign_id=campaign_id))


@bp.route("/<int:campaign_id>/settings", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def settings(campaign_id: int):
    campaign = get_campaign(campaign_id)
    form = SettingsForm(obj=services.settings_for(campaign))
    if form.validate_on_submit():
        data = services.SettingsData(form.bulletin_due_day.data, form.accept_late.data, form.bulletin_from.data,
                                     form.bulletin_to.data, form.summary_due.data)
        try:
            services.save_settings(campaign, data, actor_id=current_user.id)
        except services.ScheduleError as exc:
            return refuse(str(exc), 400, "campaign/schedule/settings.html", form=form, campaign=campaign)
        db.session.commit()
        flash("设置已保存。", "success")
        return redirect(url_for("schedule.timeline", campaign_id=campaign.id))
    flash_errors(form)
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template("campaign/schedule/settings.html", form=form, campaign=campaign), status
