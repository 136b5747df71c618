"""Demo evaluation items; once the summary is due, two submitted self-evaluations, one
reviewed by the city; before, one county's draft."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from lianbing.accounts import services as accounts
from lianbing.campaign import schedule
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
    due = schedule.settings_for(campaign).summary_due
    if due >= schedule.today_local():
        _report(campaign, items, "441402", 0.9)  # a draft, due later
        return
    submitted = local_to_utc(datetime.combine(due - timedelta(days=1), time(11)))
    for code, ratio in (("441402", 0.9), ("441403", 0.85)):
        services.submit_report(_report(campaign, items, code, ratio), campaign, now=submitted)
    first = services.report_for(campaign.id, accounts.find_bureau("441402").id)
    services.review(
        first,
        [services.ScoreInput(i.id, round(i.max_points * 0.8), "") for i in items],
        "总体完成较好。",
        now=submitted + timedelta(days=13),
    )


def _report(campaign: Campaign, items, code: str, ratio: float):
    bureau = accounts.find_bureau(code)
    scores = [
        services.ScoreInput(i.id, round(i.max_points * ratio), "见附件佐证材料") for i in items
    ]
    return services.save_report(
        campaign, bureau.id, f"## {bureau.short_name}练兵活动总结\n\n全面完成各阶段任务。", scores
    )
