"""Home dashboards and the health check."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text

from lianbing.accounts import services as accounts
from lianbing.auth import any_user, public, sees_all_bureaus
from lianbing.campaign import services as campaigns
from lianbing.extensions import db
from lianbing.ledger import services as ledger
from lianbing.main import dashboard
from lianbing.parts import registry

bp = Blueprint("main", __name__, template_folder="templates")


@bp.route("/")
@public
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    return redirect(url_for("accounts.login"))


@bp.route("/home")
@any_user
def home():
    campaign = campaigns.active_campaign()
    cards = [
        card
        for part in registry().parts.values()
        if part.dashboard
        for card in part.dashboard(current_user)
    ]
    return render_template(
        "main/home.html",
        campaign=campaign,
        cards=cards,
        ops=dashboard.campaign_block(current_user, campaign),
        bureau_chart=_bureau_chart() if sees_all_bureaus(current_user) else [],
        entries=ledger.entries_for(current_user.id, campaign.id if campaign else None, limit=5),
    )


def _bureau_chart() -> list[tuple[str, int]]:
    """People per bureau: only the city's home page shows it, so only the city pays for it."""
    counts = accounts.user_counts_by_bureau()
    return [(b.short_name, counts.get(b.id, 0)) for b in accounts.all_bureaus()]


@bp.route("/healthz")
@public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means the database is unreachable
        return {"status": "error", "database": f"unreachable: {exc.__class__.__name__}"}, 503
    return {"status": "ok", "database": "ok"}


@bp.route("/favicon.ico")
@public
def favicon():
    """Browsers ask for /favicon.ico on every page; the icon is the project's own SVG."""
    return redirect(url_for("static", filename="favicon.svg"), 301)
