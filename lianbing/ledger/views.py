"""Ledger pages: the city declares the activities officers are expected to do."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from lianbing import activities
from lianbing.accounts import services as accounts
from lianbing.auth import CITY_ADMIN, require_role
from lianbing.campaign import services as campaigns
from lianbing.campaign.models import Campaign
from lianbing.dbtypes import local_to_utc
from lianbing.errors import NotFound
from lianbing.extensions import db
from lianbing.ledger import (
    cli,  # noqa: F401  (registers the commands on bp)
    expected,
)
from lianbing.ledger.blueprint import bp
from lianbing.ledger.forms import ExemptForm, ExpectedForm
from lianbing.ledger.models import ExpectedActivity
from lianbing.parts import ActivityRef, registry
from lianbing.web import flash_errors, form_status, refused_redirect


def _campaign() -> Campaign:
    campaign = campaigns.active_campaign()
    if campaign is None:
        raise NotFound("当前没有进行中的练兵活动。")
    return campaign


@bp.route("/expected", methods=["GET", "POST"])
@require_role(CITY_ADMIN)
def expected_list():
    campaign = _campaign()
    form = _expected_form(campaign)
    if form.validate_on_submit():
        expected.declare(campaign.id, _expected_data(form), actor_id=current_user.id)
        flash("应参加活动已保存。", "success")
        return redirect(url_for("ledger.expected_list"))
    flash_errors(form)
    return render_template(
        "ledger/expected.html",
        campaign=campaign,
        form=form,
        kinds=registry().kinds,
        items=expected.listing(campaign.id),
        exempt_form=_exempt_form(campaign),
        exemptions=expected.exempted(campaign.id),
    ), form_status(form)


def _exempt_form(campaign: Campaign) -> ExemptForm:
    form = ExemptForm()
    form.expected_id.choices = [(e.id, e.title or e.ref) for e in expected.listing(campaign.id)]
    form.user_id.choices = [
        (u.id, f"{u.display_name}（{u.bureau.short_name}）")
        for u in accounts.users_of(None, role="officer", include_inactive=False)
    ]
    return form


@bp.route("/expected/exempt", methods=["POST"])
@require_role(CITY_ADMIN)
def expected_exempt():
    campaign, form = _campaign(), ExemptForm()
    row = db.session.get(ExpectedActivity, form.expected_id.data or 0)
    if row is None or row.campaign_id != campaign.id:
        raise NotFound("没有这项应参加活动。")
    try:
        expected.exempt(row, form.user_id.data, form.reason.data or "", actor_id=current_user.id)
    except expected.ExpectedError as err:
        return refused_redirect(err, url_for("ledger.expected_list"))
    flash("已免除该人员参加此项活动。", "success")
    return redirect(url_for("ledger.expected_list"))


def _expected_form(campaign: Campaign) -> ExpectedForm:
    """The form offering the campaign's activities by name (and those already expected)."""
    form = ExpectedForm()
    declared = [ActivityRef(e.kind, e.ref, e.title) for e in expected.listing(campaign.id)]
    items = activities.catalog(campaign.id, declared)
    form.activity.choices = activities.choices(items)
    form.catalog = {activities.choice_key(a.kind, a.ref): a for a in items}
    form.bureau_id.choices = [(0, "全部执法人员")] + [
        (b.id, b.short_name) for b in accounts.county_bureaus()
    ]
    return form


def _expected_data(form: ExpectedForm) -> expected.ExpectedData:
    """The chosen activity under its own name, for one bureau or every officer."""
    bureau_id = form.bureau_id.data
    item = form.catalog[form.activity.data]
    return expected.ExpectedData(
        item.kind,
        item.ref,
        item.title,
        form.max_points.data,
        local_to_utc(form.closes_at.data),
        "bureaus" if bureau_id else "all",
        (bureau_id,) if bureau_id else (),
    )
