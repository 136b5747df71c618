"""Demo results for the rankings.

This year's campaign gets its ledger from the parts' own demo activity (attempts, attendance,
modules studied, records graded), so every line opens a real activity; here it only gets its
ranking settings, the nomination deadline left to the calendar (the candidates' due date).

The 2017 campaign, over, gets the results of its plan's activities for every demo officer,
written through ``record()`` at 2017 dates with the activities' titles and on the scale each part
uses (100 points, a case lesson one per question), with values derived from the user id so
reloading changes nothing.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from lianbing.accounts.models import User
from lianbing.campaign.models import Campaign
from lianbing.dbtypes import LOCAL_TZ
from lianbing.extensions import db
from lianbing.ledger.services import record
from lianbing.parts import registry
from lianbing.rankings import rules

#: the 2017 plan's activities: kind -> (max points, [(title, day held)])
PAST_ACTIVITIES = {
    "quiz": (
        100.0,
        [
            ("《环境保护法》配套办法测验", date(2017, 6, 28)),
            ("《大气污染防治法》专题测验", date(2017, 7, 26)),
            ("《水污染防治法》专题测验", date(2017, 8, 23)),
        ],
    ),
    "competition": (100.0, [("2017年梅州市环境执法知识竞赛", date(2017, 9, 15))]),
    "study": (
        100.0,
        [
            ("学习模块：环境保护法：现场检查与查封扣押", date(2017, 7, 10)),
            ("学习模块：按日连续处罚与行政拘留", date(2017, 8, 7)),
        ],
    ),
    "lecture": (
        100.0,
        [
            ("法治讲座：新《环境保护法》配套办法解读", date(2017, 6, 20)),
            ("以案释法：电镀企业暗管偷排案的证据固定", date(2017, 8, 17)),
        ],
    ),
    "case_lesson": (4.0, [("以案释法：某电镀厂暗管偷排案", date(2017, 7, 19))]),
    "record_exercise": (
        100.0,
        [
            ("现场检查笔录：电镀厂夜间突击检查", date(2017, 7, 21)),
            ("调查询问笔录：暗管排放的责任人", date(2017, 9, 8)),
        ],
    ),
}


def load(campaign_id: int) -> None:
    """This year's ranking settings (stored once): the nomination deadline is the calendar's."""
    rules.settings_for(campaign_id, create=True)
    db.session.flush()


def load_past(campaign: Campaign) -> None:
    """The 2017 results of every demo officer (idempotent: record() keeps one row per key)."""
    officers = db.session.scalars(
        select(User)
        .where(User.role == "officer", User.username.like("officer_%"))
        .order_by(User.id)
    )
    for officer in officers:
        _past_rows(officer, campaign.id)
    settings = rules.settings_for(campaign.id, create=True)
    settings.eligibility = settings.eligibility or {"record_exercise": 0.5}
    db.session.flush()


def _past_rows(officer: User, campaign_id: int) -> None:
    rng = random.Random(officer.id * 7919)
    talent = rng.uniform(0.55, 0.95)
    kinds = registry().kinds
    for kind, (top, activities) in PAST_ACTIVITIES.items():
        if kind not in kinds:
            continue
        for n, (title, day) in enumerate(activities, 1):
            if rng.random() < 0.1:
                continue  # missed it
            share = min(1.0, max(0.2, rng.gauss(talent, 0.1)))
            points = round(top * share) if top < 10 else round(top * share, 1)
            at = datetime.combine(day, time(9), tzinfo=LOCAL_TZ)
            at += timedelta(minutes=rng.randint(0, 480))
            record(officer.id, campaign_id, kind, f"2017:{kind}:{n}", points, top, at, title=title)
    if "award" in kinds and rng.random() < 0.3:
        record(
            officer.id,
            campaign_id,
            "award",
            "2017:award:1",
            float(rng.choice([3, 5, 8])),
            10.0,
            datetime(2017, 8, 10, 16, tzinfo=LOCAL_TZ),
            title="实战练兵：交叉检查发现问题",
            reason="2017年交叉检查发现问题加分",
        )
