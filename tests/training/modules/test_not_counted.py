"""A module completed after the campaign's last day: progress kept, the officer told it does not
count, the ledger untouched, the refusal audited."""

from datetime import timedelta

from sqlalchemy import func, select

from lianbing.audit.models import AuditLog
from lianbing.campaign.schedule import today_local
from lianbing.extensions import db
from lianbing.ledger.models import ScoreEntry
from training.modules.models import ModuleCompletion


def _count(stmt) -> int:
    return db.session.scalar(stmt)


def test_module_done_after_the_campaign_is_kept_but_not_counted(
    client, login, make_module, campaign
):
    module = make_module(questions=False)
    campaign.end_date = today_local() - timedelta(days=1)
    db.session.commit()
    login("officer", "441403")
    first, second = module.lessons
    client.post(f"/training/lessons/{first.id}/done")
    r = client.post(f"/training/lessons/{second.id}/done", follow_redirects=True)
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "模块已完成" in page and "不计入练兵成绩" in page
    assert _count(select(func.count()).select_from(ModuleCompletion)) == 1
    assert _count(select(func.count()).select_from(ScoreEntry)) == 0
    assert _count(select(func.count()).where(AuditLog.action == "score.refused")) == 1


def test_module_done_inside_the_campaign_counts(client, login, make_module, campaign):
    module = make_module(questions=False)
    login("officer", "441403")
    for lesson in module.lessons:
        r = client.post(f"/training/lessons/{lesson.id}/done", follow_redirects=True)
        assert "不计入" not in r.get_data(as_text=True)
    assert _count(select(func.count()).select_from(ScoreEntry)) == 1
