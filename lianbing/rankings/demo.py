"""Demo ledger rows for the demo officers, so rankings, charts and nominations are not empty.

Written through ``record()`` (refs like "demo:quiz:1"), only for the kinds registered in this
application, with values derived from the user id so reloading changes nothing.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from lianbing.accounts.models import User
from lianbing.dbtypes import LOCAL_TZ, utcnow
from lianbing.extensions import db
from lianbing.ledger import expected
from lianbing.ledger.services import record
from lianbing.parts import registry
from lianbing.rankings import rules

#: kind -> (how many activities, max points each, Chinese title)
PLAN = {
    "quiz": (3, 100.0, "环境法律法规测验"),
    "competition": (1, 100.0, "环境执法知识竞赛"),
    "study": (4, 10.0, "学法模块"),
    "lecture": (2, 5.0, "法治讲座"),
    "case_lesson": (2, 20.0, "以案释法课"),
    "record_exercise": (2, 30.0, "现场检查笔录练习"),
}


def _when(rng: random.Random, year: int, n: int) -> datetime:
    start = datetime(year, 6, 15, 9, 0, tzinfo=LOCAL_TZ) + timedelta(days=20 * n)
    return start + timedelta(days=rng.randint(0, 15), minutes=rng.randint(0, 600))


def _officer_rows(officer: User, campaign_id: int, year: int) -> None:
    rng = random.Random(officer.id * 7919)
    talent = rng.uniform(0.55, 0.95)
    kinds = registry().kinds
    for kind, (count, top, title) in PLAN.items():
        if kind not in kinds:
            continue
        for n in range(1, count + 1):
            if kind == "quiz" and rng.random() < 0.12:
                continue  # missed: the declared expected activity counts it as 0
            share = min(1.0, max(0.2, rng.gauss(talent, 0.1)))
            record(
                officer.id,
                campaign_id,
                kind,
                f"demo:{kind}:{n}",
                round(top * share, 1),
                top,
                _when(rng, year, n),
                {"demo": True},
                title=f"{title}（{n}）",
            )
    if "award" in kinds and rng.random() < 0.3:
        record(
            officer.id,
            campaign_id,
            "award",
            "demo:award:1",
            float(rng.choice([3, 5, 8])),
            10.0,
            _when(rng, year, 3),
            {"demo": True},
            title="实战练兵：交叉检查发现问题",
            reason="演示数据",
        )


def _declare_quizzes(campaign_id: int, year: int) -> None:
    if "quiz" not in registry().kinds:
        return
    for n in range(1, PLAN["quiz"][0] + 1):
        expected.declare(
            campaign_id,
            expected.ExpectedData(
                "quiz",
                f"demo:quiz:{n}",
                f"环境法律法规测验（{n}）",
                PLAN["quiz"][1],
                datetime(year, 9, 30, 23, 59, tzinfo=LOCAL_TZ),
            ),
        )


def load(campaign_id: int) -> None:
    """Ledger rows for every demo officer, the demo quizzes as expected activities, open nominations."""
    year = 2017
    officers = db.session.scalars(
        select(User)
        .where(User.role == "officer", User.username.like("officer_%"))
        .order_by(User.id)
    )
    for officer in officers:
        _officer_rows(officer, campaign_id, year)
    _declare_quizzes(campaign_id, year)
    settings = rules.settings_for(campaign_id, create=True)
    if settings.nomination_deadline is None:
        settings.nomination_deadline = utcnow() + timedelta(days=60)
        settings.eligibility = {"record_exercise": 0.5}
    db.session.flush()
