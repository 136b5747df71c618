"""Campaign operations over HTTP: pages, permissions and bad input one by one."""
from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from sqlalchemy import func, select

from lianbing.campaign.attachments import services as attachments
from lianbing.campaign.bulletins import services as bulletins
from lianbing.campaign.bulletins.models import Bulletin
from lianbing.campaign.column import services as column
from lianbing.campaign.column.models import ColumnArticle, PenaltyCase
from lianbing.campaign.evaluation import services as evaluation
from lianbing.campaign.drills.models import DrillReport, DrillRound, DrillTeam
from lianbing.campaign import schedule
from lianbing.extensions import db
from lianbing.files.models import StoredFile
from lianbing.scoring.models import ScoreEntry

OPS_BLUEPRINTS = ("schedule", "bulletins", "evaluation", "drills", "column")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _bulletin(ops_demo, bureau, code="441402", month=7) -> Bulletin:
    return bulletins.find(ops_demo.id, bureau(code).id, date(2017, month, 1))


def test_every_ops_view_states_its_roles(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in OPS_BLUEPRINTS:
            view = app.view_functions[rule.endpoint]
            assert getattr(view, "required_roles", None), rule.endpoint


def test_city_admin_pages_render(client, auth, ops_demo, bureau):
    auth.login("city_admin")
    round_id = db.session.scalar(select(DrillRound.id).where(DrillRound.kind == "cross_inspection"))
    team_id = db.session.scalar(select(DrillTeam.id).order_by(DrillTeam.id))
    article_id = db.session.scalar(select(ColumnArticle.id))
    cid, bid = ops_demo.id, bureau("441402").id
    for path in (f"/calendar/{cid}", f"/calendar/{cid}/settings", f"/bulletins/{cid}/board",
                 f"/bulletins/b/{_bulletin(ops_demo, bureau).id}", f"/evaluation/{cid}",
                 f"/evaluation/{cid}/report/{bid}", f"/drills/{cid}", f"/drills/rounds/{round_id}",
                 f"/drills/teams/{team_id}", "/column/manage", f"/column/manage/{article_id}",
                 "/column/manage/cases", "/column/manage/new", "/home"):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("username", ["officer_441402_1", "trainer", "admin_441402", "city_admin"])
def test_home_shows_the_next_deadlines_for_every_role(client, auth, ops_demo, username):
    schedule.add_deadline(ops_demo, "远期截止事项", date(2099, 1, 1), "other")
    db.session.commit()
    auth.login(username)
    page = client.get("/home").get_data(as_text=True)
    assert 'id="ops-dashboard"' in page and "远期截止事项" in page


def test_home_shows_the_current_stage_once(client, auth, ops_demo):
    auth.login("officer_441402_1")
    page = client.get("/home").get_data(as_text=True)
    assert page.count("当前阶段") == 1 and ops_demo.name in page


def test_timeline_lists_stages_and_deadlines(client, auth, ops_demo):
    auth.login("officer_441402_1")
    page = client.get(f"/calendar/{ops_demo.id}").get_data(as_text=True)
    assert "交叉检查" in page and "先进个人候选人名单报送" in page and "2017-07-20" in page and "<svg" in page


def test_city_adds_a_deadline_and_others_cannot(client, auth, ops_demo):
    auth.login("admin_441402")
    assert client.post(f"/calendar/{ops_demo.id}/deadlines", data={"name": "x", "due_date": "2017-07-01",
                                                                 "kind": "other"}).status_code == 403
    auth.login("city_admin")
    r = client.post(f"/calendar/{ops_demo.id}/deadlines", data={"name": "案卷评查", "due_date": "2017-09-10",
                                                              "kind": "other"})
    assert r.status_code == 302
    assert "案卷评查" in client.get(f"/calendar/{ops_demo.id}").get_data(as_text=True)


# --- bulletins ------------------------------------------------------------------

@pytest.mark.parametrize("username,status", [("officer_441402_1", 403), ("trainer", 403),
                                             ("admin_441402", 200), ("city_admin", 200)])
def test_board_permissions(client, auth, ops_demo, username, status):
    auth.login(username)
    assert client.get(f"/bulletins/{ops_demo.id}/board").status_code == status


def test_city_board_shows_each_county_and_month(client, auth, ops_demo):
    auth.login("city_admin")
    page = client.get(f"/bulletins/{ops_demo.id}/board").get_data(as_text=True)
    assert page.count('data-state="on_time"') == 27
    assert page.count('data-state="late"') == 3 and page.count('data-state="missing"') == 1
    assert 'data-bureau="441481"' in page


def test_county_board_shows_only_its_own_row(client, auth, ops_demo):
    auth.login("admin_441402")
    page = client.get(f"/bulletins/{ops_demo.id}/board").get_data(as_text=True)
    assert 'data-bureau="441402"' in page and 'data-bureau="441403"' not in page


def test_trainer_sees_none_of_the_bulletins(client, auth, ops_demo, bureau):
    b = _bulletin(ops_demo, bureau)
    auth.login("trainer")
    for path in ("/bulletins/", f"/bulletins/b/{b.id}", f"/bulletins/b/{b.id}.docx"):
        assert client.get(path).status_code == 403, path


def test_county_admin_cannot_touch_another_countys_bulletin(client, auth, ops_demo, bureau):
    other = _bulletin(ops_demo, bureau, "441403")
    auth.login("admin_441402")
    assert client.get(f"/bulletins/b/{other.id}").status_code == 403
    edit = f"/bulletins/{ops_demo.id}/{bureau('441403').id}/2017/7"
    assert client.get(edit).status_code == 403
    r = client.post(edit, data={"title": "篡改", "body": "x"})
    assert r.status_code == 403
    assert client.post(f"/bulletins/b/{other.id}/submit").status_code == 403
    db.session.expire_all()
    assert _bulletin(ops_demo, bureau, "441403").title != "篡改"


def test_city_admin_cannot_write_a_countys_bulletin(client, auth, ops_demo, bureau):
    auth.login("city_admin")
    assert client.get(f"/bulletins/{ops_demo.id}/{bureau('441481').id}/2017/8").status_code == 403


def test_late_submission_accepted_and_marked(client, auth, ops_demo, bureau):
    auth.login("admin_441481")
    r = client.post(f"/bulletins/{ops_demo.id}/{bureau('441481').id}/2017/8", data={"title": "八月简报", "body": "补报"})
    assert r.status_code == 302
    b = bulletins.find(ops_demo.id, bureau("441481").id, date(2017, 8, 1))
    r = client.post(f"/bulletins/b/{b.id}/submit", follow_redirects=True)
    assert "已标记为逾期" in r.get_data(as_text=True)
    db.session.expire_all()
    assert b.status == "submitted" and b.is_late


def test_late_submission_refused_when_configured(client, auth, ops_demo, bureau):
    s = schedule.settings_for(ops_demo)
    schedule.save_settings(ops_demo, schedule.SettingsData(20, False, s.bulletin_from, s.bulletin_to, s.summary_due))
    db.session.commit()
    auth.login("admin_441481")
    client.post(f"/bulletins/{ops_demo.id}/{bureau('441481').id}/2017/8", data={"title": "八月简报", "body": "补报"})
    b = bulletins.find(ops_demo.id, bureau("441481").id, date(2017, 8, 1))
    r = client.post(f"/bulletins/b/{b.id}/submit")
    assert r.status_code == 409 and "不接受逾期提交" in r.get_data(as_text=True)
    db.session.expire_all()
    assert b.status == "draft" and b.submitted_at is None


def test_city_returns_and_county_resubmits(client, auth, ops_demo, bureau):
    b = _bulletin(ops_demo, bureau)
    auth.login("city_admin")
    r = client.post(f"/bulletins/b/{b.id}/return", data={"comment": ""})
    assert r.status_code == 400 and "修改意见" in r.get_data(as_text=True)
    assert client.post(f"/bulletins/b/{b.id}/return", data={"comment": "请补充照片"}).status_code == 302
    auth.login("admin_441402")
    assert "请补充照片" in client.get(f"/bulletins/b/{b.id}").get_data(as_text=True)
    assert client.post(f"/bulletins/b/{b.id}/submit").status_code == 302
    db.session.expire_all()
    assert b.status == "submitted" and b.resubmitted_at is not None and not b.is_late


def test_submitted_bulletin_edit_is_a_conflict(client, auth, ops_demo, bureau):
    auth.login("admin_441402")
    r = client.post(f"/bulletins/{ops_demo.id}/{bureau('441402').id}/2017/7", data={"title": "改", "body": "x"})
    assert r.status_code == 409 and "不能再修改" in r.get_data(as_text=True)


def test_wrong_upload_type_is_refused_and_nothing_stored(client, auth, ops_demo, bureau):
    before = _count(StoredFile), _count(Bulletin)
    auth.login("admin_441481")
    r = client.post(f"/bulletins/{ops_demo.id}/{bureau('441481').id}/2017/8",
                    data={"title": "八月简报", "body": "x", "attachments": (io.BytesIO(b"MZ\x90"), "virus.exe")},
                    content_type="multipart/form-data")
    assert r.status_code == 400 and "不支持的文件类型 .exe" in r.get_data(as_text=True)
    assert (_count(StoredFile), _count(Bulletin)) == before


def test_oversized_upload_is_refused_and_nothing_stored(client, auth, ops_demo, bureau):
    before = _count(StoredFile), _count(Bulletin)
    big = b"%PDF" + b"0" * (10 * attachments.MB)
    auth.login("admin_441481")
    r = client.post(f"/bulletins/{ops_demo.id}/{bureau('441481').id}/2017/8",
                    data={"title": "八月简报", "body": "x", "attachments": (io.BytesIO(big), "大文件.pdf")},
                    content_type="multipart/form-data")
    assert r.status_code == 413 and "超过大小限制 10 MB" in r.get_data(as_text=True)
    assert (_count(StoredFile), _count(Bulletin)) == before


def test_attachment_upload_and_download_are_scoped(client, auth, ops_demo, bureau):
    auth.login("admin_441481")
    client.post(f"/bulletins/{ops_demo.id}/{bureau('441481').id}/2017/8",
                data={"title": "八月简报", "body": "x", "attachments": (io.BytesIO(b"%PDF-1.4 demo"), "统计表.pdf")},
                content_type="multipart/form-data")
    b = bulletins.find(ops_demo.id, bureau("441481").id, date(2017, 8, 1))
    file_id = attachments.files_of("bulletin", b.id)[0].id
    assert client.get(f"/bulletins/files/{file_id}").data == b"%PDF-1.4 demo"
    auth.login("admin_441402")
    assert client.get(f"/bulletins/files/{file_id}").status_code == 403
    auth.login("city_admin")
    assert client.get(f"/bulletins/files/{file_id}").status_code == 200


def test_word_exports(client, auth, ops_demo, bureau):
    b = _bulletin(ops_demo, bureau)
    auth.login("city_admin")
    r = client.get(f"/bulletins/b/{b.id}.docx")
    assert r.status_code == 200 and r.mimetype.endswith("wordprocessingml.document")
    assert b.title in [p.text for p in Document(io.BytesIO(r.data)).paragraphs]
    r = client.get(f"/bulletins/{ops_demo.id}/2017/7.docx")
    texts = [p.text for p in Document(io.BytesIO(r.data)).paragraphs]
    assert sum(1 for t in texts if "2017年7月）" in t) == 8


# --- evaluation ----------------------------------------------------------------

def test_county_self_scores_and_city_reviews(client, auth, ops_demo, bureau):
    items = evaluation.items(ops_demo.id)
    bid = bureau("441422").id
    url = f"/evaluation/{ops_demo.id}/report/{bid}"
    auth.login("admin_441422")
    bad = {"body": "总结", **{f"self_{i.id}": "5" for i in items}, f"self_{items[0].id}": "99"}
    r = client.post(url, data=bad)
    assert r.status_code == 400 and "分数须在 0 到 20" in r.get_data(as_text=True)
    good = {"body": "总结", **{f"self_{i.id}": "10" for i in items}, f"evidence_{items[0].id}": "实施方案"}
    assert client.post(url, data=good).status_code == 302
    r = client.post(url + "/submit", follow_redirects=True)
    assert "逾期" in r.get_data(as_text=True)
    auth.login("admin_441402")
    assert client.get(url).status_code == 403
    auth.login("city_admin")
    r = client.post(url + "/review", data={**{f"city_{i.id}": "8" for i in items}, "comment": "尚可"})
    assert r.status_code == 302
    assert evaluation.totals(evaluation.report_for(ops_demo.id, bid)) == (40, 32)


# --- drills ----------------------------------------------------------------------

def _cross_round_id() -> int:
    return db.session.scalar(select(DrillRound.id).where(DrillRound.kind == "cross_inspection"))


def test_officer_on_a_team_inspecting_own_county_is_refused(client, auth, ops_demo, bureau, user):
    auth.login("city_admin")
    teams = _count(DrillTeam)
    r = client.post(f"/drills/rounds/{_cross_round_id()}/teams", data={
        "name": "错误组", "home_bureau_id": bureau("441402").id, "target_bureau_id": bureau("441402").id,
        "member_ids": [user("officer_441402_3").id]})
    assert r.status_code == 400 and "交叉检查不能检查本单位" in r.get_data(as_text=True)
    team = db.session.scalar(select(DrillTeam).where(DrillTeam.target_bureau_id == bureau("441403").id))
    r = client.post(f"/drills/teams/{team.id}/members", data={"user_id": user("officer_441403_3").id})
    assert r.status_code == 400 and "不能参加检查本单位企业的交叉检查组" in r.get_data(as_text=True)
    assert _count(DrillTeam) == teams
    db.session.expire_all()
    assert user("officer_441403_3").id not in [m.user_id for m in team.members]


def test_officers_see_only_their_teams_and_file_reports(client, auth, ops_demo, bureau):
    team = db.session.scalar(select(DrillTeam).where(DrillTeam.home_bureau_id == bureau("441402").id))
    other = db.session.scalar(select(DrillTeam).where(DrillTeam.home_bureau_id == bureau("441403").id))
    auth.login("officer_441402_1")
    assert client.get(f"/drills/teams/{team.id}").status_code == 200
    assert client.get(f"/drills/teams/{other.id}").status_code == 403
    reports = _count(DrillReport)
    r = client.post(f"/drills/teams/{team.id}/reports", data={
        "enterprise": "梅县区某纸业公司", "inspected_on": "2017-08-01", "problems": "雨污未分流", "records_written": "2",
        "attachments": (io.BytesIO(b"\x89PNG demo"), "现场.png")}, content_type="multipart/form-data")
    assert r.status_code == 302 and _count(DrillReport) == reports + 1
    assert client.post(f"/drills/teams/{other.id}/reports", data={
        "enterprise": "x", "inspected_on": "2017-08-01", "records_written": "1"}).status_code == 403
    auth.login("officer_441402_3")
    assert client.get(f"/drills/teams/{team.id}").status_code == 403
    auth.login("trainer")
    assert client.get("/drills/").status_code == 403


def test_county_admin_sees_teams_inspecting_it(client, auth, ops_demo, bureau):
    inspecting = db.session.scalar(select(DrillTeam).where(DrillTeam.target_bureau_id == bureau("441402").id))
    unrelated = db.session.scalar(select(DrillTeam).where(DrillTeam.home_bureau_id == bureau("441422").id))
    auth.login("admin_441402")
    assert client.get(f"/drills/teams/{inspecting.id}").status_code == 200
    assert client.get(f"/drills/teams/{unrelated.id}").status_code == 403


def test_city_awards_points_to_the_ledger(client, auth, ops_demo, bureau):
    report = db.session.scalar(select(DrillReport).where(DrillReport.award_points.is_(None)))
    auth.login("admin_441402")
    assert client.post(f"/drills/reports/{report.id}/award", data={"points": "5", "max_points": "10"}).status_code == 403
    auth.login("city_admin")
    assert client.post(f"/drills/reports/{report.id}/award", data={"points": "50", "max_points": "10"}).status_code == 400
    assert client.post(f"/drills/reports/{report.id}/award", data={"points": "6", "max_points": "10"}).status_code == 302
    rows = db.session.scalars(select(ScoreEntry).where(ScoreEntry.ref == f"drill:{report.id}")).all()
    assert len(rows) == len(report.team.members) and {r.points for r in rows} == {6.0}


# --- column ------------------------------------------------------------------------

def test_public_column_needs_no_login(client, ops_demo):
    page = client.get("/column/").get_data(as_text=True)
    assert "梅江区开展夜间突击检查" in page and "梅州市某电镀厂" in page
    assert "平远县组织执法知识竞赛" not in page and "梅州市某养殖场" not in page


def test_public_requests_for_unpublished_items_are_404(client, ops_demo):
    pending = db.session.scalar(select(ColumnArticle).where(ColumnArticle.status == "submitted"))
    hidden = db.session.scalar(select(PenaltyCase).where(PenaltyCase.is_disclosed.is_(False)))
    published = db.session.scalar(select(ColumnArticle).where(ColumnArticle.status == "published"))
    assert client.get(f"/column/articles/{pending.id}").status_code == 404
    assert client.get(f"/column/cases/{hidden.id}").status_code == 404
    assert client.get("/column/articles/999999").status_code == 404
    assert client.get(f"/column/articles/{published.id}").status_code == 200


def test_images_of_unpublished_articles_are_404_for_the_public(client, auth, ops_demo):
    auth.login("admin_441402")
    r = client.post("/column/manage/new", data={"title": "图片新闻", "body": "正文",
                                                "images": (io.BytesIO(b"\x89PNG demo"), "现场.png")},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    article = db.session.scalar(select(ColumnArticle).where(ColumnArticle.title == "图片新闻"))
    image_id = attachments.files_of("article", article.id)[0].id
    auth.logout()
    assert client.get(f"/column/images/{image_id}").status_code == 404
    column.publish(article)
    db.session.commit()
    r = client.get(f"/column/images/{image_id}")
    assert r.status_code == 200 and r.mimetype == "image/png"


def test_article_image_must_be_an_image(client, auth, ops_demo):
    auth.login("admin_441402")
    r = client.post("/column/manage/new", data={"title": "t", "body": "b",
                                                "images": (io.BytesIO(b"%PDF-1.4"), "文件.pdf")},
                    content_type="multipart/form-data")
    assert r.status_code == 400 and "不支持的文件类型 .pdf" in r.get_data(as_text=True)
    assert db.session.scalar(select(ColumnArticle).where(ColumnArticle.title == "t")) is None


def test_feed_lists_published_items(client, ops_demo):
    r = client.get("/column/feed.atom")
    assert r.status_code == 200 and r.mimetype == "application/atom+xml"
    body = r.get_data(as_text=True)
    assert "梅县区以案释法" in body and "平远县组织执法知识竞赛" not in body and "梅州市某养殖场" not in body


def test_submit_review_publish_flow(client, auth, ops_demo):
    auth.login("admin_441426")
    r = client.post("/column/manage/new", data={"title": "蕉岭新闻", "body": "正文"})
    article = db.session.scalar(select(ColumnArticle).where(ColumnArticle.title == "蕉岭新闻"))
    assert r.status_code == 302 and article.bureau.code == "441426"
    assert client.post(f"/column/manage/{article.id}/publish").status_code == 403
    assert client.post(f"/column/manage/{article.id}/submit").status_code == 302
    auth.login("admin_441402")
    assert client.get(f"/column/manage/{article.id}").status_code == 403
    auth.login("city_admin")
    assert client.post(f"/column/manage/{article.id}/publish").status_code == 302
    assert "蕉岭新闻" in client.get("/column/").get_data(as_text=True)


def test_city_discloses_a_case(client, auth, ops_demo):
    hidden = db.session.scalar(select(PenaltyCase).where(PenaltyCase.is_disclosed.is_(False)))
    auth.login("admin_441402")
    assert client.post(f"/column/manage/cases/{hidden.id}/disclose").status_code == 403
    auth.login("city_admin")
    assert client.post(f"/column/manage/cases/{hidden.id}/disclose").status_code == 302
    assert client.get(f"/column/cases/{hidden.id}").status_code == 200


def test_public_lists_are_paged(client, ops_demo, bureau):
    for n in range(25):
        column.publish(column.save_article(None, ops_demo.id, bureau("441402").id,
                                           column.ArticleData(f"批量文章{n:02d}", "正文"), author_id=None))
    db.session.commit()
    first = client.get("/column/").get_data(as_text=True)
    second = client.get("/column/?page=2").get_data(as_text=True)
    assert first.count("批量文章") == 20 and second.count("批量文章") == 5
    cases = client.get("/column/cases/").get_data(as_text=True)
    assert "梅州市某电镀厂" in cases and "梅州市某养殖场" not in cases


@pytest.mark.parametrize("username,text", [("admin_441422", "1</span> 份简报被市局退回"),
                                           ("city_admin", "1</span> 篇专栏文章待审核"),
                                           ("officer_441402_1", "1</span> 个实战练兵检查组")])
def test_home_shows_each_roles_to_dos(client, auth, ops_demo, username, text):
    auth.login(username)
    assert text in client.get("/home").get_data(as_text=True)


def test_board_counts_on_time_bulletins_per_month(client, auth, ops_demo):
    auth.login("city_admin")
    page = client.get(f"/bulletins/{ops_demo.id}/board").get_data(as_text=True)
    assert 'data-summary="2017-08">6 / 8<' in page and 'data-summary="2017-06">7 / 8<' in page


def test_bulletin_markdown_is_sanitized(client, auth, ops_demo, bureau):
    auth.login("admin_441481")
    client.post(f"/bulletins/{ops_demo.id}/{bureau('441481').id}/2017/8",
                data={"title": "八月", "body": "**要点**<script>alert(1)</script><img src=x onerror=alert(2)>"})
    b = bulletins.find(ops_demo.id, bureau("441481").id, date(2017, 8, 1))
    page = client.get(f"/bulletins/b/{b.id}").get_data(as_text=True)
    assert "<strong>要点</strong>" in page and "<script>alert(1)" not in page and "onerror" not in page


def test_attachment_removed_only_before_submission(client, auth, ops_demo, bureau):
    auth.login("admin_441481")
    client.post(f"/bulletins/{ops_demo.id}/{bureau('441481').id}/2017/8",
                data={"title": "八月", "body": "x", "attachments": (io.BytesIO(b"%PDF-1.4"), "a.pdf")},
                content_type="multipart/form-data")
    b = bulletins.find(ops_demo.id, bureau("441481").id, date(2017, 8, 1))
    file_id = attachments.files_of("bulletin", b.id)[0].id
    auth.login("admin_441402")
    assert client.post(f"/bulletins/b/{b.id}/files/{file_id}/delete").status_code == 403
    auth.login("admin_441481")
    assert client.post(f"/bulletins/b/{b.id}/files/{file_id}/delete").status_code == 302
    assert attachments.files_of("bulletin", b.id) == []
    submitted = _bulletin(ops_demo, bureau, "441481", 7)
    assert client.post(f"/bulletins/b/{submitted.id}/files/1/delete").status_code == 409
