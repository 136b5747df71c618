"""The whole-city ranking export as a background job (lianbing/jobs)."""

from __future__ import annotations

from lianbing.auth import CITY_ADMIN
from lianbing.campaign.models import Campaign
from lianbing.errors import NotFound
from lianbing.extensions import db
from lianbing.jobs.kinds import Context, JobKind, Output
from lianbing.logconfig import event
from lianbing.rankings.exporters import ranking_xlsx
from lianbing.rankings.ranking import ranking_for

RANKING_EXPORT = "rankings.export"


def export_ranking(ctx: Context) -> Output:
    """Compute the city's ranking, then write it whole into one workbook."""
    campaign = db.session.get(Campaign, ctx.params.get("campaign_id"))
    if campaign is None:
        raise NotFound("活动不存在或已被删除。")
    ctx.progress(0, 2, "计算全市综合排名")
    ranking = ranking_for(campaign)
    ctx.progress(1, 2, f"写入 Excel（{len(ranking.data)} 人）")
    data = ranking_xlsx(ranking)
    event(
        "rankings",
        "ranking of campaign %s exported",
        campaign.id,
        campaign_id=campaign.id,
        actor_id=ctx.owner.id,
        size=len(data),
    )
    return Output(f"{campaign.name}-综合排名.xlsx", data, f"共 {len(ranking.data)} 人。")


KINDS = [
    JobKind(
        RANKING_EXPORT,
        "全市综合排名导出（Excel）",
        (CITY_ADMIN,),
        export_ranking,
        back="rankings.rankings",
    )
]
