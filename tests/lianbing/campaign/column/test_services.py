"""The column: what the public may see (no HTTP)."""

from __future__ import annotations

from datetime import date

from lianbing.campaign.column import services as column


def test_only_published_articles_and_disclosed_cases_are_public(demo_people, campaign, bureau):
    article = column.save_article(
        None, campaign.id, bureau("441402").id, column.ArticleData("标题", "正文"), author_id=None
    )
    assert column.published_article(article.id) is None
    column.submit_article(article)
    assert column.published_article(article.id) is None
    column.publish(article)
    assert column.published_article(article.id) is article
    column.reject(article, "撤下")
    assert column.published_article(article.id) is None
    case = column.add_case(
        campaign.id, column.CaseData("某厂", "超标", "第九十九条", "罚款", date(2017, 8, 1))
    )
    assert column.disclosed_case(case.id) is None
    column.set_disclosed(case, True)
    assert column.disclosed_case(case.id) is case
