"""Demo calendar of the 2017 campaign: settings and deadlines."""
from __future__ import annotations

from datetime import date

from lianbing.campaign.models import Campaign
from lianbing.campaign.schedule import services

DEADLINES = [
    ("动员部署方案报送", date(2017, 6, 14), "other"),
    ("自查阶段总结报送", date(2017, 7, 15), "drill"),
    ("交叉检查报告报送", date(2017, 8, 15), "drill"),
    ("后督察整改情况报送", date(2017, 9, 30), "drill"),
    ("先进个人候选人名单报送", date(2017, 10, 8), "nomination"),
]


def load(campaign: Campaign) -> None:
    """Bulletins June–September by the 20th (late accepted, marked), summary by 10-08, deadlines."""
    if not services.stored_deadlines(campaign):
        services.save_settings(campaign, services.SettingsData(20, True, date(2017, 6, 1), date(2017, 9, 1),
                                                               date(2017, 10, 8)))
        for name, due, kind in DEADLINES:
            services.add_deadline(campaign, name, due, kind)
