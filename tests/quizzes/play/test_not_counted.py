"""A quiz submitted after the campaign's last day (or after it closed): the answers are kept, the
officer is told it does not count, the ledger is untouched and the refusal is audited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lianbing.audit.models import AuditLog
from lianbing.campaign.schedule import today_local
from lianbing.extensions import db
from lianbing.ledger.models import ScoreEntry
from lianbing.rankings import closing
from quizzes.play.models import Attempt

OFFICER = "officer_441402_1"


def _ledger_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(ScoreEntry))


def _refusals() -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditLog).where(AuditLog.action == "score.refused")
    )


def _take_and_submit(client, quiz):
    r = client.post(f"/quizzes/q/{quiz.id}/start")
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    attempt_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    r = client.post(f"/quizzes/attempt/{attempt_id}/submit", follow_redirects=True)
    return attempt_id, r


def test_a_quiz_after_the_campaigns_end_is_kept_but_not_counted(client, auth, make_quiz, campaign):
    quiz = make_quiz()
    campaign.end_date = today_local() - timedelta(days=1)
    db.session.commit()
    auth.login(OFFICER)
    attempt_id, page = _take_and_submit(client, quiz)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "已交卷" in text
    assert "答卷已保存" in text and "不计入练兵成绩" in text and str(campaign.end_date) in text
    assert db.session.get(Attempt, attempt_id).status == "submitted"
    assert _ledger_rows() == 0 and _refusals() == 1
    # the result page keeps saying so
    again = client.get(f"/quizzes/attempt/{attempt_id}/result").get_data(as_text=True)
    assert "不计入练兵成绩" in again


def test_a_quiz_inside_the_dates_counts_without_a_warning(client, auth, make_quiz, campaign):
    quiz = make_quiz()
    auth.login(OFFICER)
    _, page = _take_and_submit(client, quiz)
    assert "不计入" not in page.get_data(as_text=True)
    assert _ledger_rows() == 1 and _refusals() == 0


def test_a_quiz_after_the_campaign_closed_is_kept_but_not_counted(
    client, auth, make_quiz, campaign, user
):
    quiz = make_quiz()
    closing.close(campaign, user("city_admin"))
    db.session.commit()
    auth.login(OFFICER)
    attempt_id, page = _take_and_submit(client, quiz)
    text = page.get_data(as_text=True)
    assert "答卷已保存" in text and "活动已结束" in text
    assert db.session.get(Attempt, attempt_id).status == "submitted"
    assert _ledger_rows() == 0 and _refusals() == 1
