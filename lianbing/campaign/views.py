"""Campaign pages: the list, a campaign with its stages and weights, and its calendar."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lianbing.auth import CITY_ADMIN, any_user, require_role
from lianbing.campaign import nextyear, schedule, services
from lianbing.campaign.forms import (
    ActivateForm,
    CampaignForm,
    DeadlineForm,
    DeleteForm,
    NextYearForm,
    SettingsForm,
    stages_form,
    weights_form,
)
from lianbing.campaign.models import Deadline
from lianbing.campaign.web import get_campaign, no_active_campaign
from lianbing.errors import Conflict
from lianbing.extensions import db
from lianbing.parts import registry
from lianbing.web import flash_errors, form_status, rerender

bp = Blueprint("campaign", __name__, url_prefix="/campaigns", template_folder="templates")
#: the calendar's pages (timeline, deadlines, paperwork settings) live under /calendar
calendar_bp = Blueprint("schedule", __name__, url_prefix="/calendar", template_folder="templates")


@bp.route("/")
@any_user
def index():
    return render_template(
        "campaign/index.html", campaigns=services.all_campaigns(), activate_form=ActivateForm()
    )


@bp.route("/<int:campaign_id>")
@any_user
def detail(campaign_id: int):
    campaign = get_campaign(campaign_id)
    today, kinds, weights = schedule.today_local(), registry().kinds, services.weights(campaign)
    return render_template(
        "campaign/detail.html",
        campaign=campaign,
        successor=nextyear.successor(campaign.id),
        previous=nextyear.previous(campaign),
        services=services,
        current=services.current_stage(campaign, today),
        weights=weights,
        kinds=kinds,
        weights_chart=[(kinds[k].label, w) for k, w in weights.items()],
    )


@bp.route("/new", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def create():
    form = CampaignForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("campaign/form.html", form=form, campaign=None), form_status(form)
    try:
        campaign = services.create_campaign(
            form.name.data.strip(),
            form.year.data,
            form.start_date.data,
            form.end_date.data,
            actor_id=current_user.id,
        )
    except services.CampaignError as err:
        return rerender(err, "campaign/form.html", form=form, campaign=None)
    flash("活动已创建，阶段按 2017 年方案预设。", "success")
    return redirect(url_for("campaign.detail", campaign_id=campaign.id))


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def edit(campaign_id: int):
    campaign = get_campaign(campaign_id)
    form = CampaignForm(obj=campaign)
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("campaign/form.html", form=form, campaign=campaign), form_status(
            form
        )
    try:
        services.update_campaign(
            campaign,
            name=form.name.data.strip(),
            start=form.start_date.data,
            end=form.end_date.data,
            quota=form.nomination_quota.data,
            actor_id=current_user.id,
        )
    except (services.CampaignError, Conflict) as err:  # Conflict: locked once closed or past
        return rerender(err, "campaign/form.html", form=form, campaign=campaign)
    flash("已保存。", "success")
    return redirect(url_for("campaign.detail", campaign_id=campaign.id))


@bp.route("/<int:campaign_id>/activate", methods=["POST"])
@require_role(CITY_ADMIN)
def activate(campaign_id: int):
    campaign = get_campaign(campaign_id)
    if ActivateForm().validate_on_submit():
        services.activate_campaign(campaign, actor_id=current_user.id)
        flash(f"当前活动：{campaign.name}", "success")
    return redirect(url_for("campaign.index"))


@bp.route("/<int:campaign_id>/weights", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def weights(campaign_id: int):
    campaign, kinds = get_campaign(campaign_id), registry().kinds
    form = weights_form(kinds, services.weights(campaign))
    context = {"form": form, "campaign": campaign, "kinds": kinds}
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("campaign/weights.html", **context), form_status(form)
    try:
        services.set_weights(
            campaign,
            {key: getattr(form, f"w_{key}").data for key in kinds},
            actor_id=current_user.id,
        )
    except (services.CampaignError, Conflict) as err:  # Conflict: locked once closed
        return rerender(err, "campaign/weights.html", **context)
    flash("权重已保存。", "success")
    return redirect(url_for("campaign.detail", campaign_id=campaign.id))


@bp.route("/<int:campaign_id>/stages", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def stages(campaign_id: int):
    campaign = get_campaign(campaign_id)
    form = stages_form(campaign.stages)
    context = {"form": form, "campaign": campaign, "services": services}
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("campaign/stages.html", **context), form_status(form)
    dates = {
        s.id: (form[f"s{s.id}_start"].data, form[f"s{s.id}_end"].data) for s in campaign.stages
    }
    try:
        services.set_stage_dates(campaign, dates, actor_id=current_user.id)
    except (services.CampaignError, Conflict) as err:
        return rerender(err, "campaign/stages.html", **context)
    flash("阶段日期已保存。", "success")
    return redirect(url_for("campaign.detail", campaign_id=campaign.id))


# --- next year's campaign from this one ------------------------------------------


@bp.route("/<int:campaign_id>/next-year", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def next_year(campaign_id: int):
    template = get_campaign(campaign_id)
    nextyear.refuse_if_copied(template)
    form = NextYearForm(data=None if request.method == "POST" else _next_year_defaults(template))
    span = (nextyear.shift_date(template.start_date), nextyear.shift_date(template.end_date))
    context = {"form": form, "campaign": template, "plan": nextyear.plan(template), "span": span}
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("campaign/next_year.html", **context), form_status(form)
    try:
        made, copied = nextyear.create_next(template, form.name.data, actor_id=current_user.id)
    except services.CampaignError as err:
        return rerender(err, "campaign/next_year.html", **context)
    flash(f"已创建“{made.name}”：" + "、".join(f"{k} {v}" for k, v in copied.items()), "success")
    return redirect(url_for("campaign.detail", campaign_id=made.id))


def _next_year_defaults(template) -> dict:
    return {"name": nextyear.suggested_name(template)}


# --- the calendar -----------------------------------------------------------------


@calendar_bp.route("/", endpoint="index")
@any_user
def calendar():
    campaign = services.active_campaign()
    if campaign is None:
        return no_active_campaign()
    return redirect(url_for("schedule.timeline", campaign_id=campaign.id))


def _timeline_context(campaign) -> dict:
    today = schedule.today_local()
    deadlines = schedule.all_deadlines(campaign)
    return {
        "campaign": campaign,
        "today": today,
        "deadlines": deadlines,
        "current": services.current_stage(campaign, today),
        "bars": schedule.timeline_bars(campaign, list(campaign.stages), deadlines),
        "ticks": schedule.timeline_ticks(campaign),
        "settings": schedule.settings_for(campaign),
        "form": DeadlineForm(),
        "delete_form": DeleteForm(),
    }


@calendar_bp.route("/<int:campaign_id>")
@any_user
def timeline(campaign_id: int):
    campaign = get_campaign(campaign_id)
    return render_template("campaign/schedule/timeline.html", **_timeline_context(campaign))


@calendar_bp.route("/<int:campaign_id>/deadlines", methods=["POST"])
@require_role(CITY_ADMIN)
def add_deadline(campaign_id: int):
    campaign, form = get_campaign(campaign_id), DeadlineForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template(
            "campaign/schedule/timeline.html", **_timeline_context(campaign)
        ), 400
    try:
        schedule.add_deadline(
            campaign, form.name.data, form.due_date.data, form.kind.data, actor_id=current_user.id
        )
    except (schedule.ScheduleError, Conflict) as err:
        return rerender(err, "campaign/schedule/timeline.html", **_timeline_context(campaign))
    flash("截止事项已添加。", "success")
    return redirect(url_for("schedule.timeline", campaign_id=campaign.id))


@calendar_bp.route("/deadlines/<int:deadline_id>/delete", methods=["POST"])
@require_role(CITY_ADMIN)
def delete_deadline(deadline_id: int):
    row = db.get_or_404(Deadline, deadline_id)
    campaign_id = row.campaign_id
    if DeleteForm().validate_on_submit():
        schedule.delete_deadline(row, actor_id=current_user.id)
        flash("截止事项已删除。", "success")
    return redirect(url_for("schedule.timeline", campaign_id=campaign_id))


@calendar_bp.route("/<int:campaign_id>/settings", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def settings(campaign_id: int):
    campaign = get_campaign(campaign_id)
    form = SettingsForm(obj=schedule.settings_for(campaign))
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template(
            "campaign/schedule/settings.html", form=form, campaign=campaign
        ), form_status(form)
    data = schedule.SettingsData(
        form.bulletin_due_day.data,
        form.accept_late.data,
        form.bulletin_from.data,
        form.bulletin_to.data,
        form.summary_due.data,
    )
    try:
        schedule.save_settings(campaign, data, actor_id=current_user.id)
    except (schedule.ScheduleError, Conflict) as err:
        return rerender(err, "campaign/schedule/settings.html", form=form, campaign=campaign)
    flash("设置已保存。", "success")
    return redirect(url_for("schedule.timeline", campaign_id=campaign.id))
