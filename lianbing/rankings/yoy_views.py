"""Year-over-year pages: an officer sees their own, a county admin its bureau and its officers,
the city every bureau and officer (``?campaign=`` names the later campaign, else the active)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from lianbing.accounts import services as accounts
from lianbing.accounts.models import Bureau, User
from lianbing.auth import ADMINS, BUREAU_ADMIN, CITY_ADMIN, any_user, require_bureau, require_role
from lianbing.campaign.nextyear import previous
from lianbing.extensions import db
from lianbing.rankings import measures, yoy
from lianbing.rankings.blueprint import bp, load_campaign
from lianbing.rankings.ranking import ranking_for


def _args() -> dict:
    """The ?campaign= the page was asked with, kept in its links."""
    raw = request.args.get("campaign", "")
    return {"campaign": raw} if raw else {}


@bp.route("/yoy", endpoint="yoy")
@any_user
def yoy_home():
    if current_user.role == CITY_ADMIN:
        return _city_page()
    if current_user.role == BUREAU_ADMIN:
        return redirect(url_for("rankings.yoy_bureau", bureau_id=current_user.bureau_id, **_args()))
    return redirect(url_for("rankings.yoy_officer", user_id=current_user.id, **_args()))


def _city_page():
    campaign = load_campaign()
    before = previous(campaign)
    now_rows = {r.bureau_id: r for r in measures.bureau_ranking(ranking_for(campaign))}
    old_rows = (
        {r.bureau_id: r for r in measures.bureau_ranking(ranking_for(before))} if before else {}
    )
    rows = [(b, old_rows.get(b.id), now_rows.get(b.id)) for b in accounts.county_bureaus()]
    return render_template(
        "rankings/yoy_city.html",
        campaign=campaign,
        before=before,
        rows=rows,
        chart=yoy.city_chart(rows, before, campaign),
        args=_args(),
    )


@bp.route("/yoy/bureau/<int:bureau_id>")
@require_role(*ADMINS)
def yoy_bureau(bureau_id: int):
    require_bureau(current_user, bureau_id)
    bureau = db.session.get(Bureau, bureau_id) or abort(404)
    campaign = load_campaign()
    before = previous(campaign)
    old = yoy.bureau_figures(before, bureau_id) if before else {}
    lines = yoy.compare(old, yoy.bureau_figures(campaign, bureau_id), yoy.BUREAU_LINES)
    ranking = ranking_for(campaign)
    earlier = ranking_for(before) if before else None
    people = [
        (r, earlier.row_of(r.user_id) if earlier else None)
        for r in ranking.select(bureau_id=bureau_id, role="officer")
    ]
    return render_template(
        "rankings/yoy.html",
        subject=bureau.short_name,
        campaign=campaign,
        before=before,
        lines=lines,
        chart=yoy.chart(lines, before, campaign),
        people=people,
        # a campaign with no points available to anyone has no composites to show yet
        people_due=(bool(earlier and earlier.kinds), bool(ranking.kinds)),
        args=_args(),
    )


@bp.route("/yoy/officer/<int:user_id>")
@any_user
def yoy_officer(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    if person.id != current_user.id:
        require_bureau(current_user, person.bureau_id)
    campaign = load_campaign()
    before = previous(campaign)
    old = yoy.officer_figures(before, user_id) if before else {}
    lines = yoy.compare(old, yoy.officer_figures(campaign, user_id), yoy.OFFICER_LINES)
    return render_template(
        "rankings/yoy.html",
        subject=person.display_name,
        campaign=campaign,
        before=before,
        lines=lines,
        chart=yoy.chart(lines, before, campaign),
        people=None,
        args=_args(),
    )
