"""Demo evaluation items, two submitted self-evaluations, one reviewed by the city."""

from __future__ import annotations

from datetime import datetime

from lianbing.accounts import services as accounts
from lianbing.campaign.evaluation import services
from lianbing.campaign.models import Campaign
from lianbing.dbtypes import local_to_utc

ITEMS = [
    ("组织领导与方案部署", 20, "成立领导小组、印发实施方案"),
    ("学法用法与培训", 25, "法治讲座、专题培训、知识竞赛参与率"),
    ("笔录与案卷质量", 30, "现场检查笔录、调查询问笔录规范"),
    ("实战练兵与交叉检查", 25, "检查企业数量、发现问题与整改"),
]


def load(campaign: Campaign) -> None:
    if services.items(campaign.id):
        return
    items = [services.add_item(campaign, name, points, text) for name, points, text in ITEMS]
    for code, ratio in (("441402", 0.9), ("441403", 0.85)):
        bureau = accounts.find_bureau(code)
        scores = [
            services.ScoreInput(i.id, round(i.max_points * ratio), "见附件佐证材料") for i in items
        ]
        report = services.save_report(
            campaign,
            bureau.id,
            f"## {bureau.short_name}练兵活动总结\n\n全面完成各阶段任务。",
            scores,
        )
        services.submit_report(report, campaign, now=local_to_utc(datetime(2017, 10, 7, 11)))
    first = services.report_for(campaign.id, accounts.find_bureau("441402").id)
    services.review(
        first,
        [services.ScoreInput(i.id, round(i.max_points * 0.8), "") for i in items],
        "总体完成较好。",
        now=local_to_utc(datetime(2017, 10, 20, 9)),
    )
