"""Ranking pages through the test client: permissions, traceability, bad input, exports."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.ledger.models import ScoreEntry
from lianbing.ledger.services import record
from lianbing.rankings import nominations, rules
from lianbing.rankings.models import Award, Nomination, Recommendation

ADMIN_PAGES = [
    "/scores/rankings",
    "/scores/bureaus",
    "/scores/charts",
    "/scores/awards",
    "/scores/nominations",
]
CITY_PAGES = [
    "/scores/recommendations",
    "/scores/settings",
    "/scores/recommendations.xlsx",
    "/scores/recommendations.docx",
]
#: ten days ago: inside the campaign fixture, which spans today
AT = (datetime.now(timezone.utc) - timedelta(days=10)).replace(hour=2, minute=30, microsecond=0)
USERS = {
    "officer": "officer_441402_1",
    "trainer": "trainer",
    "bureau_admin": "admin_441402",
    "city_admin": "city_admin",
}


@pytest.fixture
def scored(people, rec):
    for i, name in enumerate(
        ["officer_441402_1", "officer_441402_2", "officer_441403_1", "officer_441422_1"]
    ):
        rec(people[name], "quiz", "q", 90 - 5 * i, minutes=i)
        rec(people[name], "record_exercise", "r", 25 - i, 30, minutes=i)
    return people


@pytest.mark.parametrize("role", list(USERS))
def test_page_permissions_by_role(client, auth, scored, campaign, role):
    auth.login(USERS[role])
    for path in ADMIN_PAGES:
        status = client.get(path).status_code
        officer_board = role == "officer" and path == "/scores/rankings"  # sent to 积分榜
        allowed = role in ("bureau_admin", "city_admin") or officer_board
        assert status in ((200, 302) if allowed else (403,)), (
            path,
            status,
        )
    for path in CITY_PAGES:
        assert client.get(path).status_code == (200 if role == "city_admin" else 403), path
    assert client.get("/scores/mine").status_code == 200


def test_anonymous_is_sent_to_login(client, scored, campaign):
    r = client.get("/scores/rankings")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_every_city_ranking_row_is_traceable_to_ledger_lines(client, auth, scored, campaign):
    auth.login("city_admin")
    page = client.get("/scores/rankings").get_data(as_text=True)
    links = re.findall(r'href="(/scores/officer/(\d+)\?campaign=\d+)">', page)
    assert len(links) == 40
    for url, user_id in links[:4]:
        detail = client.get(url).get_data(as_text=True)
        refs = set(re.findall(r'<tr data-ref="([^"]+)"', detail))
        ledger = set(
            db.session.scalars(select(ScoreEntry.ref).where(ScoreEntry.user_id == int(user_id)))
        )
        assert refs == ledger and ledger


def test_bureau_admin_sees_only_own_bureau(client, auth, scored, campaign):
    auth.login("admin_441402")
    r = client.get("/scores/rankings", follow_redirects=True)
    page = r.get_data(as_text=True)
    assert (
        scored["officer_441402_1"].display_name in page
        and scored["officer_441403_1"].display_name not in page
    )
    assert (
        client.get(f"/scores/rankings/bureau/{scored['officer_441403_1'].bureau_id}").status_code
        == 403
    )
    assert client.get(f"/scores/officer/{scored['officer_441403_1'].id}").status_code == 403
    assert client.get(f"/scores/officer/{scored['officer_441402_2'].id}").status_code == 200


def test_officer_sees_own_rank_not_someone_elses(client, auth, scored, campaign):
    auth.login("officer_441402_2")
    mine = client.get("/scores/mine").get_data(as_text=True)
    assert scored["officer_441402_2"].display_name in mine
    assert re.search(r'id="city-rank">2<', mine) and re.search(r'id="bureau-rank">2<', mine)
    assert client.get(f"/scores/officer/{scored['officer_441402_1'].id}").status_code == 403
    auth.logout()
    auth.login("officer_441402_1")
    other = client.get("/scores/mine").get_data(as_text=True)
    assert (
        re.search(r'id="city-rank">1<', other)
        and scored["officer_441402_2"].display_name not in other
    )


def test_ranking_filters_and_page_range(client, auth, scored, campaign):
    auth.login("city_admin")
    bureau_id = scored["officer_441403_1"].bureau_id
    page = client.get(f"/scores/rankings?bureau={bureau_id}").get_data(as_text=True)
    assert page.count("<tr data-user=") == 5
    assert (
        client.get("/scores/rankings?role=trainer").get_data(as_text=True).count("<tr data-user=")
        == 0
    )
    assert client.get("/scores/rankings?page=2").status_code == 404
    assert client.get("/scores/rankings?page=x").status_code == 400
    assert client.get("/scores/rankings?kind=nope").status_code == 400
    assert client.get("/scores/rankings?bureau=9999").status_code == 404


def test_my_scores_page_lists_own_rows_only(client, auth, campaign, make_user):
    officer = make_user("officer", bureau_code="441403")
    other = make_user("officer", bureau_code="441403")
    record(officer.id, campaign.id, "award", "drill:1", 6, 10, AT, title="交叉检查演练")
    record(other.id, campaign.id, "award", "drill:9", 3, 10, AT, title="别人的演练")
    db.session.commit()
    auth.login(officer.username)
    page = client.get("/scores/mine").get_data(as_text=True)
    assert "交叉检查演练" in page and "别人的演练" not in page


def test_new_grade_shows_at_once(client, auth, scored, campaign, rec):
    auth.login("officer_441422_1")
    assert re.search(r'id="city-rank">4<', client.get("/scores/mine").get_data(as_text=True))
    rec(scored["officer_441422_1"], "quiz", "q", 100)
    rec(scored["officer_441422_1"], "record_exercise", "r", 30, 30)
    assert re.search(r'id="city-rank">1<', client.get("/scores/mine").get_data(as_text=True))


def evidence_upload(data=b"%PDF-1.4 x", name="证明.pdf"):
    return (io.BytesIO(data), name)


def award_form(user, **kw):
    return {
        "user_id": user.id,
        "category": "现场检查",
        "title": "检查某化工厂",
        "points": "5",
        "reason": "发现未批先建",
        "evidence": evidence_upload(),
        **kw,
    }


def test_award_without_reason_is_refused_on_the_page(client, auth, scored, campaign, audits):
    auth.login("admin_441402")
    r = client.post(
        "/scores/awards",
        data=award_form(scored["officer_441402_1"], reason=""),
        content_type="multipart/form-data",
    )
    assert r.status_code == 400 and "请填写加分理由" in r.get_data(as_text=True)
    assert db.session.scalar(select(Award.id)) is None and audits("award") == 0


def test_award_for_another_bureau_is_refused_on_the_page(client, auth, scored, campaign, audits):
    auth.login("admin_441402")
    r = client.post(
        "/scores/awards",
        data=award_form(scored["officer_441403_1"]),
        content_type="multipart/form-data",
    )
    assert r.status_code == 403 and "本单位" in r.get_data(as_text=True) and audits("award") == 0


def test_award_with_disguised_evidence_is_refused(client, auth, scored, campaign):
    auth.login("admin_441402")
    r = client.post(
        "/scores/awards",
        data=award_form(
            scored["officer_441402_1"], evidence=evidence_upload(b"#!/bin/sh", "x.pdf")
        ),
        content_type="multipart/form-data",
    )
    assert r.status_code == 400 and "不符" in r.get_data(as_text=True)


def test_award_flow_reaches_the_ranking(client, auth, scored, campaign, audits):
    auth.login("admin_441402")
    r = client.post(
        "/scores/awards",
        data=award_form(scored["officer_441402_2"]),
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    award = db.session.scalar(select(Award))
    assert client.get(f"/scores/awards/{award.id}/evidence").data.startswith(b"%PDF")
    assert (
        client.post(f"/scores/awards/{award.id}/decide", data={"approve": "通过"}).status_code
        == 403
    )
    auth.logout()
    auth.login("city_admin")
    r = client.post(f"/scores/awards/{award.id}/decide", data={"reject": "退回", "note": ""})
    assert r.status_code == 400 and "原因" in r.get_data(as_text=True)
    assert (
        client.post(f"/scores/awards/{award.id}/decide", data={"approve": "通过"}).status_code
        == 302
    )
    entry = db.session.scalar(select(ScoreEntry).where(ScoreEntry.kind == "award"))
    assert entry.user_id == scored["officer_441402_2"].id and audits("award.approved") == 1
    detail = client.get(f"/scores/officer/{entry.user_id}").get_data(as_text=True)
    assert f'data-ref="award:{award.id}"' in detail


def test_nomination_bad_input_on_the_page(client, auth, scored, campaign, audits):
    auth.login("admin_441402")
    other = scored["officer_441403_1"]
    r = client.post(
        "/scores/nominations", data={"user_id": other.id, "justification": "理由", "confirm": "y"}
    )
    assert r.status_code == 403 and "只能提名本单位" in r.get_data(as_text=True)
    ok = client.post(
        "/scores/nominations",
        data={
            "user_id": scored["officer_441402_1"].id,
            "justification": "事迹突出",
            "confirm": "y",
        },
    )
    assert ok.status_code == 302
    r = client.post(
        "/scores/nominations",
        data={"user_id": scored["officer_441402_2"].id, "justification": "理由", "confirm": "y"},
    )
    assert r.status_code == 409 and "名额" in r.get_data(as_text=True)
    assert audits("nomination") == 1


def test_nomination_after_deadline_on_the_page(client, auth, scored, campaign):
    rules.update(
        campaign.id,
        deadline=utcnow() - timedelta(hours=1),
        quotas=rules.DEFAULT_QUOTAS,
        eligibility={},
        measure_weights={},
        actor_id=None,
    )
    db.session.commit()
    auth.login("admin_441402")
    r = client.post(
        "/scores/nominations",
        data={"user_id": scored["officer_441402_1"].id, "justification": "理由", "confirm": "y"},
    )
    assert r.status_code == 409 and "截止" in r.get_data(as_text=True)
    assert db.session.scalar(select(Nomination.id)) is None


def test_city_admin_cannot_nominate_and_officer_cannot_decide(client, auth, scored, campaign):
    auth.login("city_admin")
    assert (
        client.post(
            "/scores/nominations",
            data={"user_id": scored["officer_441402_1"].id, "justification": "x", "confirm": "y"},
        ).status_code
        == 403
    )
    n = nominations.nominate(
        campaign, scored["officer_441402_1"].id, "理由", scored["admin_441402"]
    )
    db.session.commit()
    auth.logout()
    auth.login("admin_441402")
    assert client.post(f"/scores/nominations/{n.id}/accept").status_code == 403
    assert (
        client.post(f"/scores/nominations/{n.id}/reopen", data={"reason": "x"}).status_code == 403
    )


def test_reopen_without_reason_is_refused(client, auth, scored, campaign, audits):
    n = nominations.nominate(
        campaign, scored["officer_441402_1"].id, "理由", scored["admin_441402"]
    )
    db.session.commit()
    auth.login("city_admin")
    r = client.post(f"/scores/nominations/{n.id}/reopen", data={"reason": ""})
    assert r.status_code == 400 and audits("nomination.reopen") == 0
    assert (
        client.post(f"/scores/nominations/{n.id}/reopen", data={"reason": "补材料"}).status_code
        == 302
    )
    assert audits("nomination.reopen") == 1


def test_recommendation_and_exports(client, auth, scored, campaign):
    n = nominations.nominate(
        campaign, scored["officer_441402_1"].id, "多次查处违法排污", scored["admin_441402"]
    )
    nominations.decide(n, True, scored["city_admin"])
    db.session.commit()
    auth.login("city_admin")
    assert (
        client.post(
            "/scores/recommendations", data={"category": "city_individual", "target": f"n{n.id}"}
        ).status_code
        == 302
    )
    r = client.post(
        "/scores/recommendations", data={"category": "city_individual", "target": f"n{n.id}"}
    )
    assert r.status_code == 409
    bureau_id = scored["officer_441402_1"].bureau_id
    client.post(
        "/scores/recommendations",
        data={
            "category": "county_collective",
            "target": f"b{bureau_id}",
            "statement": "全局开展交叉检查十二次",
        },
    )
    assert db.session.query(Recommendation).count() == 2
    sheet = load_workbook(io.BytesIO(client.get("/scores/recommendations.xlsx").data)).active
    names = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert scored["officer_441402_1"].display_name in names
    doc = Document(io.BytesIO(client.get("/scores/recommendations.docx").data))
    assert "多次查处违法排污" in "".join(
        c.text for t in doc.tables for row in t.rows for c in row.cells
    )
    record = load_workbook(io.BytesIO(client.get(f"/scores/nominations/{n.id}/record.xlsx").data))
    assert {"基本情况", "分类得分", "活动明细", "实战练兵加分"} <= set(record.sheetnames)
    assert Document(
        io.BytesIO(client.get(f"/scores/nominations/{n.id}/record.docx").data)
    ).paragraphs


def test_settings_page(client, auth, scored, campaign, audits):
    auth.login("city_admin")
    form = {
        "deadline": "2030-10-08T23:59",
        "q_county_collective": 1,
        "q_city_individual": 2,
        "q_county_individual": 1,
        "m_participation": 1,
        "m_average": 2,
        "m_bulletin_timeliness": 1,
        "m_self_evaluation": 1,
    }
    kinds = ("award", "study", "lecture", "quiz", "competition", "case_lesson", "case_file")
    form.update({f"e_{k}": 0 for k in kinds})
    form.update({f"n_{k}": 0 for k in (*kinds, "record_exercise")})
    form["e_record_exercise"] = 60
    form["n_case_file"] = 1
    assert client.post("/scores/settings", data=form).status_code == 302
    assert rules.quotas(campaign.id)["city_individual"] == 2 and rules.eligibility(campaign.id) == {
        "record_exercise": 0.6
    }
    assert rules.min_entries(campaign.id) == {"case_file": 1}
    assert 'name="n_case_file"' in client.get("/scores/settings").get_data(as_text=True)
    bad = client.post("/scores/settings", data={**form, "e_record_exercise": 150})
    assert bad.status_code == 400 and rules.eligibility(campaign.id) == {"record_exercise": 0.6}
    assert audits("ranking.settings") == 1


def test_cached_ranking_rows_mark_each_viewer_and_follow_the_ledger(
    client, auth, scored, make_user, rec
):
    """The rows of a ranking page are rendered once per ledger version and shared: each viewer
    still sees only their own row marked, and a new ledger row shows at once."""
    first, second = make_user("city_admin"), make_user("city_admin")
    for n, admin in enumerate((first, second)):
        rec(admin, "quiz", "q", 10 + n)
    marked = re.compile(r'<tr data-user="(\d+)" class="table-success">')
    for admin in (first, second, first):
        auth.login(admin.username)
        page = client.get("/scores/rankings").get_data(as_text=True)
        assert marked.findall(page) == [str(admin.id)]
        assert f'<tr data-user="{first.id}"' in page and f'<tr data-user="{second.id}"' in page
    officer = scored["officer_441422_1"]
    assert _composite(page, officer.id) < 80
    rec(officer, "quiz", "q2", 100)
    rec(officer, "record_exercise", "r2", 30, 30)
    assert _composite(client.get("/scores/rankings").get_data(as_text=True), officer.id) > 80


def _composite(page: str, user_id: int) -> float:
    row = re.search(
        rf'<tr data-user="{user_id}"[^>]*>.*?<td class="text-end fw-bold">([^<]*)<', page, re.S
    )
    return float(row.group(1))
