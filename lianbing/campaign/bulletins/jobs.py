"""A month's bulletins of every county in one Word file, made by a background job."""

from __future__ import annotations

from datetime import date

from lianbing.auth import CITY_ADMIN
from lianbing.campaign.attachments import services as attachments
from lianbing.campaign.bulletins import exporters, services
from lianbing.campaign.models import Campaign
from lianbing.errors import NotFound
from lianbing.extensions import db
from lianbing.jobs.kinds import Context, JobKind, Output
from lianbing.logconfig import event

MONTH_EXPORT = "bulletins.month_export"


def title_of(campaign: Campaign, year: int, month: int) -> str:
    return f"{campaign.name} {year}年{month}月简报汇编"


def docx_items(bulletins: list) -> list:
    """Each bulletin with the names of its attachments (listed in the Word file)."""
    owner = services.ATTACHMENT_OWNER
    return [(b, [f.filename for f in attachments.files_of(owner, b.id)]) for b in bulletins]


def export_month(ctx: Context) -> Output:
    campaign = db.session.get(Campaign, ctx.params.get("campaign_id"))
    if campaign is None:
        raise NotFound("活动不存在或已被删除。")
    year, month = ctx.params["year"], ctx.params["month"]
    ctx.progress(0, 2, "收集各县区简报")
    bulletins = services.month_bulletins(campaign, date(year, month, 1))
    bulletins = sorted(bulletins, key=lambda b: b.bureau.code)
    ctx.progress(1, 2, f"排版 {len(bulletins)} 份简报（Word，A4 公文格式）")
    title = title_of(campaign, year, month)
    data = exporters.bulletins_docx(docx_items(bulletins), title)
    event(
        "bulletins",
        "user %s exported %s bulletins of %s",
        ctx.owner.id,
        len(bulletins),
        f"{year}-{month:02d}",
        actor_id=ctx.owner.id,
        count=len(bulletins),
    )
    return Output(f"{title}.docx", data, f"共 {len(bulletins)} 份简报。")


KINDS = [
    JobKind(
        MONTH_EXPORT,
        "全市月度简报汇编（Word）",
        (CITY_ADMIN,),
        export_month,
        back="bulletins.index",
    )
]
