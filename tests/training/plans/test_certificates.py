"""What training vouches for to the host's certificates: a planned module completed within the
campaign by someone the plan covers, once per person and module."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from lianbing.host import CampaignDates, db
from training import part
from training.modules.models import ModuleCompletion
from training.plans.certificates import qualifications
from training.plans.models import StudyPlan

CAMPAIGN = CampaignDates(1, date(2026, 6, 1), date(2026, 10, 31))
INSIDE = datetime(2026, 7, 1, 2, tzinfo=timezone.utc)


def plan(module, due=date(2026, 9, 30), role="officer", bureau_id=None) -> StudyPlan:
    row = StudyPlan(module_id=module.id, role=role, bureau_id=bureau_id, due_on=due)
    db.session.add(row)
    db.session.flush()
    return row


def done(user, module, at=INSIDE) -> None:
    db.session.add(ModuleCompletion(user_id=user.id, module_id=module.id, completed_at=at))
    db.session.flush()


def found(user_ids=None) -> list[tuple[int, str]]:
    return [(q.user_id, q.ref) for q in qualifications(CAMPAIGN, user_ids)]


def test_the_part_declares_the_hook():
    assert part.certificate_qualifications is qualifications


def test_completed_planned_modules_qualify_once(app, make_module, make_user):
    module = make_module()
    first = plan(module)
    plan(module, bureau_id=None)  # planned twice: still one certificate
    officer, idle = make_user("officer", "441402"), make_user("officer", "441402")
    done(officer, module)
    assert found() == [(officer.id, f"plan:{first.id}")]
    assert found([idle.id]) == []
    assert "完成学习任务" in next(iter(qualifications(CAMPAIGN, None))).title


def test_outside_the_campaign_or_the_plan_does_not_qualify(app, make_module, make_user):
    late_plan, early, other_bureau, trainer_only = (make_module(title=t) for t in "ABCD")
    plan(late_plan, due=date(2027, 1, 10))
    plan(early)
    plan(other_bureau, bureau_id=make_user("officer", "441403").bureau_id)
    plan(trainer_only, role="trainer")
    officer = make_user("officer", "441402")
    done(officer, late_plan)
    done(officer, early, at=INSIDE - timedelta(days=60))
    done(officer, other_bureau)
    done(officer, trainer_only)
    assert found() == []
