"""The rankings blueprint and what its view modules share: the campaign a page is about."""

from __future__ import annotations

from flask import Blueprint, request

from lianbing.campaign import services as campaigns
from lianbing.campaign.models import Campaign
from lianbing.errors import NotFound
from lianbing.extensions import db

bp = Blueprint("rankings", __name__, url_prefix="/scores", template_folder="templates")


def current_campaign() -> Campaign:
    """The active campaign; 404 when there is none."""
    campaign = campaigns.active_campaign()
    if campaign is None:
        raise NotFound("当前没有进行中的练兵活动。")
    return campaign


def load_campaign() -> Campaign:
    """The campaign named by ?campaign=, else the active one; 404 when there is none."""
    raw = request.args.get("campaign", "")
    if not raw:
        return current_campaign()
    campaign = db.session.get(Campaign, int(raw)) if raw.isdigit() else None
    if campaign is None:
        raise NotFound("活动不存在。")
    return campaign
