"""The column over HTTP: public pages and feed, submission, review, penalty cases."""

from __future__ import annotations

import io

from sqlalchemy import select

from lianbing.campaign.attachments import services as attachments
from lianbing.campaign.column import services as column
from lianbing.campaign.column.models import ColumnArticle, PenaltyCase
from lianbing.extensions import db


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
    r = client.post(
        "/column/manage/new",
        data={
            "title": "图片新闻",
            "body": "正文",
            "images": (io.BytesIO(b"\x89PNG demo"), "现场.png"),
        },
        content_type="multipart/form-data",
    )
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
    r = client.post(
        "/column/manage/new",
        data={"title": "t", "body": "b", "images": (io.BytesIO(b"%PDF-1.4"), "文件.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 400 and "不支持的文件类型 .pdf" in r.get_data(as_text=True)
    assert db.session.scalar(select(ColumnArticle).where(ColumnArticle.title == "t")) is None


def test_feed_lists_published_items(client, ops_demo):
    r = client.get("/column/feed.atom")
    assert r.status_code == 200 and r.mimetype == "application/atom+xml"
    body = r.get_data(as_text=True)
    assert (
        "梅县区以案释法" in body
        and "平远县组织执法知识竞赛" not in body
        and "梅州市某养殖场" not in body
    )


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
        column.publish(
            column.save_article(
                None,
                ops_demo.id,
                bureau("441402").id,
                column.ArticleData(f"批量文章{n:02d}", "正文"),
                author_id=None,
            )
        )
    db.session.commit()
    first = client.get("/column/").get_data(as_text=True)
    second = client.get("/column/?page=2").get_data(as_text=True)
    assert first.count("批量文章") == 20 and second.count("批量文章") == 5
    cases = client.get("/column/cases/").get_data(as_text=True)
    assert "梅州市某电镀厂" in cases and "梅州市某养殖场" not in cases
