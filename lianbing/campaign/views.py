"""Campaign pages: list, calendar, edit, weights."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from lianbing.auth import CITY_ADMIN, any_user, require_role
from lianbing.campaign import services
from lianbing.campaign.forms import ActivateForm, CampaignForm, stages_form, weights_form
from lianbing.campaign.models import Campaign
from lianbing.dbtypes import to_local, utcnow
from lianbing.extensions import db
from lianbing.parts import registry
from lianbing.web import flash_errors, form_status

bp = Blueprint("campaign", __name__, url_prefix="/campaigns")


@bp.route("/")
@any_user
def index():
    return render_template("campaign/index.html", campaigns=services.all_campaigns(),
                           activate_form=ActivateForm())


@bp.route("/<int:campaign_id>")
@any_user
def detail(campaign_id: int):
    campaign = db.session.get(Campaign, campaign_id) or abort(404)
    today, kinds, weights = to_local(utcnow()).date(), registry().kinds, services.weights(campaign)
    return render_template("campaign/detail.html", campaign=campaign, services=services,
                           current=services.current_stage(campaign, today), weights=weights,
                           kinds=kinds, weights_chart=[(kinds[k].label, w) for k, w in weights.items()])


@bp.route("/new", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def create():
    form = CampaignForm()
    if form.validate_on_submit():
        try:
            campaign = services.create_campaign(form.name.data.strip(), form.year.data, form.start_date.data,
                                                form.end_date.data, actor_id=current_user.id)
        except services.CampaignError as exc:
            flash(str(exc), "danger")
            return render_template("campaign/form.html", form=form, campaign=None), 400
        db.session.commit()
        flash("活动已创建，阶段按 2017 年方案预设。", "success")
        return redirect(url_for("campaign.detail", campaign_id=campaign.id))
    flash_errors(form)
    return render_template("campaign/form.html", form=form, campaign=None), form_status(form)


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def edit(campaign_id: int):
    campaign = db.session.get(Campaign, campaign_id) or abort(404)
    form = CampaignForm(obj=campaign)
    if form.validate_on_submit():
        try:
            services.update_campaign(campaign, name=form.name.data.strip(), start=form.start_date.data,
                                     end=form.end_date.data, quota=form.nomination_quota.data,
                                     actor_id=current_user.id)
        except services.CampaignError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return render_template("campaign/form.html", form=form, campaign=campaign), 400
        db.session.commit()
        flash("已保存。", "success")
        return redirect(url_for("campaign.detail", campaign_id=campaign.id))
    flash_errors(form)
    return render_template("campaign/form.html", form=form, campaign=campaign), form_status(form)


@bp.route("/<int:campaign_id>/activate", methods=["POST"])
@require_role(CITY_ADMIN)
def activate(campaign_id: int):
    campaign = db.session.get(Campaign, campaign_id) or abort(404)
    if ActivateForm().validate_on_submit():
        services.activate_campaign(campaign, actor_id=current_user.id)
        db.session.commit()
        flash(f"当前活动：{campaign.name}", "success")
    return redirect(url_for("campaign.index"))


@bp.route("/<int:campaign_id>/weights", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def weights(campaign_id: int):
    campaign = db.session.get(Campaign, campaign_id) or abort(404)
    kinds = registry().kinds
    form = weights_form(kinds, services.weights(campaign))
    if form.validate_on_submit():
        values = {key: getattr(form, f"w_{key}").data for key in kinds}
        try:
            services.set_weights(campaign, values, actor_id=current_user.id)
        except services.CampaignError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return render_template("campaign/weights.html", form=form, campaign=campaign, kinds=kinds), 400
        db.session.commit()
        flash("权重已保存。", "success")
        return redirect(url_for("campaign.detail", campaign_id=campaign.id))
    flash_errors(form)
    return render_template("campaign/weights.html", form=form, campaign=campaign, kinds=kinds), form_status(form)


@bp.route("/<int:campaign_id>/stages", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def stages(campaign_id: int):
    campaign = db.session.get(Campaign, campaign_id) or abort(404)
    form = stages_form(campaign.stages)
    if form.validate_on_submit():
        dates = {s.id: (form[f"s{s.id}_start"].data, form[f"s{s.id}_end"].data) for s in campaign.stages}
        try:
            services.set_stage_dates(campaign, dates, actor_id=current_user.id)
        except services.CampaignError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return render_template("campaign/stages.html", form=form, campaign=campaign, services=services), 400
        db.session.commit()
        flash("阶段日期已保存。", "success")
        return redirect(url_for("campaign.detail", campaign_id=campaign.id))
    flash_errors(form)
    return render_template("campaign/stages.html", form=form, campaign=campaign,
                           services=services), form_status(form)
