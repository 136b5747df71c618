"""Small helpers the campaign's pages and its operations' pages share."""

from __future__ import annotations

from flask import flash, redirect, url_for

from lianbing.campaign.models import Campaign
from lianbing.extensions import db


def get_campaign(campaign_id: int) -> Campaign:
    """The campaign or 404."""
    return db.get_or_404(Campaign, campaign_id)


def no_active_campaign():
    """Back to the campaign list with a warning, for pages that need the active campaign."""
    flash("当前没有进行中的练兵活动。", "warning")
    return redirect(url_for("campaign.index"))
