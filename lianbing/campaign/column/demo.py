"""Demo column: articles published on their day of the plan (one awaiting review), and the
penalty cases decided so far (two disclosed in a finished campaign)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from lianbing.accounts import services as accounts
from lianbing.campaign import schedule
from lianbing.campaign.column import services
from lianbing.campaign.column.models import ColumnArticle
from lianbing.campaign.models import Campaign
from lianbing.dbtypes import local_to_utc
from lianbing.extensions import db

#: (county, title, body, day of the plan it is published on: 0 = the campaign's first day)
ARTICLES = [
    (
        "441402",
        "梅江区开展夜间突击检查 严查废气偷排",
        "日前，梅江分局组织执法人员对辖区重点涉气企业开展夜间突击检查，"
        "现场制作检查笔录 6 份。\n\n检查发现 1 家企业废气处理设施未运行，已依法立案调查。",
        30,
    ),
    (
        "441403",
        "梅县区以案释法 提升笔录制作水平",
        "梅县分局结合典型案例，逐项讲解现场检查笔录的**程序合法**、**内容完整**要求。\n\n"
        "- 检查人员不少于两人并出示执法证；\n- 如实记录现场情况，不作结论性描述。",
        52,
    ),
    (
        "441424",
        "五华县交叉检查发现问题全部整改到位",
        "在交叉检查中被指出的 5 个问题，五华县已全部完成整改并报送整改报告。",
        99,
    ),
]
PENDING = ("441426", "平远县组织执法知识竞赛", "平远分局组织全体执法人员参加环境法律知识竞赛。")
#: (enterprise, violation, basis, decision, day of the plan decided on, disclosed)
CASES = [
    (
        "梅州市某陶瓷有限公司",
        "未正常运行大气污染防治设施，超标排放颗粒物。",
        "《中华人民共和国大气污染防治法》第九十九条第（二）项",
        "罚款人民币十五万元，责令改正。",
        38,
        True,
    ),
    (
        "梅州市某电镀厂",
        "通过暗管排放含重金属废水。",
        "《中华人民共和国水污染防治法》第八十三条第（三）项",
        "罚款人民币五十万元，移送公安机关。",
        55,
        True,
    ),
    (
        "梅州市某养殖场",
        "未建设畜禽粪污处理设施即投入生产。",
        "《畜禽规模养殖污染防治条例》第三十九条",
        "责令停止生产，罚款人民币三万元。",
        103,
        False,
    ),
]


def load(campaign: Campaign) -> None:
    """Articles published on their day (those ahead still await review), cases decided so far."""
    if db.session.scalar(
        select(ColumnArticle.id).where(ColumnArticle.campaign_id == campaign.id).limit(1)
    ):
        return
    today = schedule.today_local()
    for code, title, body, day in ARTICLES:
        article = _article(campaign, code, title, body)
        services.submit_article(article)
        if _day(campaign, day) < today:
            at = datetime.combine(_day(campaign, day), time(10))
            services.publish(article, now=local_to_utc(at))
    code, title, body = PENDING
    services.submit_article(_article(campaign, code, title, body))
    for enterprise, violation, basis, decision, day, disclose in CASES:
        if _day(campaign, day) < today:
            services.add_case(
                campaign.id,
                services.CaseData(enterprise, violation, basis, decision, _day(campaign, day)),
                disclose=disclose,
            )


def _day(campaign: Campaign, day: int) -> date:
    return campaign.start_date + timedelta(days=day)


def _article(campaign: Campaign, code: str, title: str, body: str) -> ColumnArticle:
    bureau = accounts.find_bureau(code)
    return services.save_article(
        None, campaign.id, bureau.id, services.ArticleData(title, body), author_id=None
    )
