"""Ledger commands: ``flask ledger rebuild-totals``."""

from __future__ import annotations

import sys

import click

from lianbing.campaign import services as campaigns
from lianbing.campaign.models import Campaign
from lianbing.extensions import db
from lianbing.ledger import totals
from lianbing.ledger.blueprint import bp
from lianbing.logconfig import event


@bp.cli.command("rebuild-totals")
@click.option("--campaign-id", type=int, default=None, help="活动编号；默认当前活动")
def rebuild_totals_command(campaign_id: int | None) -> None:
    """Recompute the per-kind score sums from the ledger (after bulk loads that bypass record())."""
    campaign = db.session.get(Campaign, campaign_id) if campaign_id else campaigns.active_campaign()
    if campaign is None:
        click.echo("错误：找不到该活动。", err=True)
        sys.exit(1)
    totals.rebuild(campaign.id)
    db.session.commit()
    event("ledger", "score totals rebuilt for campaign %s", campaign.id, campaign_id=campaign.id)
    click.echo(f"已重新汇总：{campaign.name}")
