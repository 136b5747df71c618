"""Scoring commands: ``flask scoring rebuild-totals``."""
from __future__ import annotations

import sys

import click

from lianbing.campaign import services as campaigns
from lianbing.campaign.models import Campaign
from lianbing.extensions import db
from lianbing.scoring import totals
from lianbing.scoring.blueprint import bp


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
    click.echo(f"已重新汇总：{campaign.name}")
