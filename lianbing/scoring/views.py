"""Score pages: an officer's own ledger rows."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from lianbing.auth import any_user
from lianbing.campaign import services as campaigns
from lianbing.parts import registry
from lianbing.scoring import services

bp = Blueprint("scoring", __name__, url_prefix="/scores")


@bp.route("/mine")
@any_user
def mine():
    campaign = campaigns.active_campaign()
    entries = services.entries_for(current_user.id, campaign.id if campaign else None)
    return render_template("scoring/mine.html", entries=entries, campaign=campaign,
                           kinds=registry().kinds)
