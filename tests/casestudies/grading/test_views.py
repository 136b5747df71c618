"""Grading through the test client: own records refused, ranges, regrade window, second marker."""

from sqlalchemy import select

from casestudies.exercises import services as exercises
from casestudies.exercises.models import Submission
from casestudies.rubrics import demo as rubrics_demo
from lianbing.extensions import db
from lianbing.ledger.models import ScoreEntry
from tests.casestudies.records import record_form


def test_grades_xlsx_export(client, auth, world):
    auth.login("trainer")
    ex = exercises.exercises(False)[0]
    r = client.get(f"/casestudies/exercises/{ex.id}/grades.xlsx")
    assert r.status_code == 200 and r.data[:2] == b"PK"


def test_trainer_grading_own_submission_is_refused(client, auth, make_exercise, campaign):
    ex = make_exercise()
    auth.login("trainer")
    client.post(f"/casestudies/exercises/{ex.id}/write", data=record_form(ex, action="submit"))
    sub = db.session.scalar(select(Submission))
    r = client.post(
        f"/casestudies/submissions/{sub.id}/grade",
        data={f"points_{k}": "1" for k in "P1 P2".split()},
    )
    assert r.status_code == 403 and "不能评阅自己提交的笔录" in r.get_data(as_text=True)
    assert db.session.get(Submission, sub.id).status == "submitted"


def test_grade_form_names_criterion_out_of_range(client, auth, make_exercise, campaign):
    ex = make_exercise()
    auth.login("officer_441402_1")
    client.post(f"/casestudies/exercises/{ex.id}/write", data=record_form(ex, action="submit"))
    sub = db.session.scalar(select(Submission))
    auth.login("trainer")
    data = {f"points_{c['key']}": str(c["max_points"]) for c in rubrics_demo.INSPECTION["criteria"]}
    data["points_P2"] = "99"
    r = client.post(f"/casestudies/submissions/{sub.id}/grade", data=data)
    assert r.status_code == 400 and "两名以上执法人员并注明执法证号" in r.get_data(as_text=True)


def test_regrade_after_window_is_refused(client, auth, world):
    sub = db.session.scalar(
        select(Submission).where(
            Submission.status == "released",
            Submission.exercise.has(record_type="inspection"),
            Submission.user.has(username="officer_441402_1"),
        )
    )
    sub.exercise.regrade_days = 0
    db.session.commit()
    auth.login("officer_441402_1")
    r = client.post(
        f"/casestudies/submissions/{sub.id}/regrade", data={"criterion": "P4", "reason": "请复评"}
    )
    assert r.status_code == 409 and "复评申请期限" in r.get_data(as_text=True)


def test_second_marker_reconciliation_view(client, auth, make_exercise, make_user, campaign):
    ex = make_exercise(needs_second_marker=True, margin=1.0)
    second = make_user("trainer", "441400")
    auth.login("officer_441402_1")
    client.post(f"/casestudies/exercises/{ex.id}/write", data=record_form(ex, action="submit"))
    sub = db.session.scalar(select(Submission))
    full = {f"points_{c['key']}": str(c["max_points"]) for c in rubrics_demo.INSPECTION["criteria"]}
    auth.login("trainer")
    assert client.post(f"/casestudies/submissions/{sub.id}/grade", data=full).status_code == 302
    auth.login(second.username)
    assert (
        client.post(
            f"/casestudies/submissions/{sub.id}/grade?role=second", data=full | {"points_P2": "4"}
        ).status_code
        == 302
    )
    page = client.get(f"/casestudies/submissions/{sub.id}/grade").get_data(as_text=True)
    assert "分差超过 1.0 分" in page and "两名以上执法人员并注明执法证号" in page
    r = client.post(f"/casestudies/submissions/{sub.id}/release")
    assert r.status_code == 409 and "请先核定分数" in r.get_data(as_text=True)
    assert (
        client.post(
            f"/casestudies/submissions/{sub.id}/reconcile", data={"points_P2": "7"}
        ).status_code
        == 302
    )
    assert client.post(f"/casestudies/submissions/{sub.id}/release").status_code == 302
    entry = db.session.scalar(select(ScoreEntry))
    assert entry.points == 97 and entry.detail["submission_id"] == sub.id


def test_the_officer_sees_the_persons_verdict_once_graded(client, auth, make_exercise, campaign):
    ex = make_exercise()
    auth.login("officer_441402_1")
    body = "出示执法证件。检查时正在生产，污水处理设施正常运行，排放口已拍照。该公司故意偷排。"
    client.post(
        f"/casestudies/exercises/{ex.id}/write", data=record_form(ex, body=body, action="submit")
    )
    sub = db.session.scalar(select(Submission))
    auth.login("trainer")
    before = client.get(f"/casestudies/submissions/{sub.id}").get_data(as_text=True)
    assert "cs-missing-box" in before and "未发现：告知申请回避的权利，请核对" in before
    full = {f"points_{c['key']}": str(c["max_points"]) for c in rubrics_demo.INSPECTION["criteria"]}
    grade = full | {
        "points_C1": "0",
        "comment_C1": "地点未具体到车间。",
        "points_P4": "5",
        "points_A1": "5",
    }
    assert client.post(f"/casestudies/submissions/{sub.id}/grade", data=grade).status_code == 302
    assert client.post(f"/casestudies/submissions/{sub.id}/release").status_code == 302
    auth.login("officer_441402_1")
    page = client.get(f"/casestudies/submissions/{sub.id}").get_data(as_text=True)
    c1 = page[page.index('data-key="C1"') :][:600]
    a1 = page[page.index('data-key="A1"') :][:600]
    assert 'cs-verdict me-1 text-danger">✗' in c1 and "0.0/5" in c1 and "✓" not in c1
    assert 'cs-verdict me-1 text-success">✓' in a1 and "出现不应使用的用语" not in a1
    assert "cs-missing-box" not in page and "未发现" not in page
    assert "cs-comments-box" in page and "C1 地点未具体到车间。" in page
    # the evidence follows the person's verdict: the place is marked, the accepted words are not
    assert '<mark class="cs-bad" data-criteria="C1" title="C1">电镀车间</mark>' in page
    assert '<mark class="cs-good" data-criteria="A1" title="A1">故意</mark>' in page
