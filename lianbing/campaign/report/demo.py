"""Demo summaries for the province, written through the report's services.

This year's campaign, under way: 梅江区 has submitted its summary, the city sent 梅县区's back
with comments, 大埔县 and the city are writing theirs. The 2017 campaign, over: every county's
and the city's, submitted the day before the summary was due.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from lianbing.accounts import services as accounts
from lianbing.campaign import schedule
from lianbing.campaign.models import Campaign
from lianbing.campaign.report import services
from lianbing.dbtypes import local_to_utc

RETURN_COMMENT = "“主要做法和成效”缺少交叉检查发现问题的整改情况，请补充后重新提交。"


def _texts(name: str) -> dict[str, str]:
    return {
        "overview": f"{name}按照市局实施方案成立练兵领导小组，全体执法人员参加练兵。",
        "practice": f"{name}以学法用法、以案释法和笔录练习为抓手，组织夜查、交叉检查和知识竞赛。",
        "problems": "部分执法人员笔录制作不够规范，基层人手紧张，练兵与日常执法存在冲突。",
        "plans": "持续开展案卷评查和笔录练习，把练兵成果转化为日常执法能力。",
    }


def _write(campaign: Campaign, code: str | None):
    bureau = accounts.find_bureau(code) if code else accounts.city_bureau()
    if services.find(campaign.id, bureau.id) is not None:
        return None  # loaded before: demo data never overwrites
    return services.save_sections(campaign, bureau, _texts(bureau.short_name))


def load(campaign: Campaign) -> None:
    """This year's: one submitted, one returned with comments, two drafts."""
    submitted = _write(campaign, "441402")
    if submitted is not None:
        services.submit(submitted)
    returned = _write(campaign, "441403")
    if returned is not None:
        services.return_report(services.submit(returned), RETURN_COMMENT)
    _write(campaign, "441422")
    _write(campaign, None)


def load_past(campaign: Campaign) -> None:
    """2017's: every county's and the city's, submitted before the summary was due."""
    due = schedule.settings_for(campaign).summary_due
    when = local_to_utc(datetime.combine(due - timedelta(days=1), time(16)))
    for code in [b.code for b in accounts.county_bureaus()] + [None]:
        report = _write(campaign, code)
        if report is not None:
            services.submit(report, now=when)
