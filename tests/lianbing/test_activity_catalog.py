"""The activities the city may expect of officers, by name: every part's published activities
and the host's drill rounds, from the registry's ``activities``."""

from __future__ import annotations

import re

from sqlalchemy import select

from lianbing.activities import catalog, choices
from lianbing.campaign.drills import services as drills
from lianbing.campaign.drills.models import SELF_INSPECTION
from lianbing.extensions import db
from lianbing.parts import ActivityRef, registry
from quizzes.play.models import Quiz


def test_the_catalog_names_every_parts_published_activities(demo_people, campaign):
    for part in registry().parts.values():
        part.demo(campaign.id)
    round_ = drills.create_round(
        campaign, SELF_INSPECTION, "全市自查", campaign.start_date, campaign.end_date
    )
    db.session.commit()
    items = catalog(campaign.id)
    kinds = {a.kind for a in items}
    assert {"quiz", "competition", "study", "lecture", "case_lesson", "record_exercise"} <= kinds
    assert ActivityRef("award", f"drill_round:{round_.id}", "全市自查") in items
    assert len({(a.kind, a.ref) for a in items}) == len(items)
    published = db.session.scalars(select(Quiz).where(Quiz.campaign_id == campaign.id)).all()
    listed = {a.ref for a in items if a.ref.startswith("quiz:")}
    assert listed == {f"quiz:{q.id}" for q in published if q.is_published and q.counts}
    words = dict(choices(items))
    assert words[f"award:drill_round:{round_.id}"] == "实战练兵加分：全市自查"
    assert not [label for label in words.values() if re.search(r"[a-z_]+:\d", label)]


def test_an_expected_activity_no_part_lists_still_shows_under_its_title(app, campaign):
    extra = ActivityRef("quiz", "quiz:77", "已删除的测验")
    assert extra in catalog(campaign.id, [extra])
    unknown = ActivityRef("no_such_kind", "x:1", "无主活动")
    assert unknown not in catalog(campaign.id, [unknown])
