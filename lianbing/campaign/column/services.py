"""The column: articles from submission to publication, and disclosed penalty cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from lianbing.audit import services as audit
from lianbing.campaign.column.models import (
    DRAFT,
    PUBLISHED,
    REJECTED,
    SUBMITTED,
    ColumnArticle,
    PenaltyCase,
)
from lianbing.counters import services as counters
from lianbing.dbtypes import utcnow
from lianbing.errors import Conflict, Invalid
from lianbing.extensions import db
from lianbing.logconfig import event

NO_CAMPAIGN = "当前没有进行中的练兵活动"
#: the versions the cached public pages (index, feed) are kept under
PUBLIC_VERSIONS = ["column", "bureaus"]

counters.watch(ColumnArticle, lambda article: ["column"])
counters.watch(PenaltyCase, lambda case: ["column"])


class ColumnError(Invalid):
    """A column action that cannot be carried out (400); the message is for people."""


class ColumnConflict(ColumnError, Conflict):
    """The article is not in a state that allows the step (409)."""

    status = 409


@dataclass(frozen=True)
class ArticleData:
    title: str
    body: str


def save_article(
    article: ColumnArticle | None,
    campaign_id: int | None,
    bureau_id: int,
    data: ArticleData,
    *,
    author_id: int | None,
) -> ColumnArticle:
    """Create (in the campaign ``campaign_id``) or edit an article while a draft or sent back."""
    if article is None and campaign_id is None:
        raise ColumnConflict(f"{NO_CAMPAIGN}，不能投稿。")
    title = (data.title or "").strip()
    if not title:
        raise ColumnError("请填写文章标题。")
    if not (data.body or "").strip():
        raise ColumnError("请填写文章正文。")
    if article is None:
        article = ColumnArticle(
            campaign_id=campaign_id, bureau_id=bureau_id, author_id=author_id, status=DRAFT
        )
        db.session.add(article)
    elif article.status not in (DRAFT, REJECTED):
        raise ColumnError("文章已提交或已发布，不能再修改。")
    article.title, article.body, article.updated_at = title, data.body, utcnow()
    db.session.flush()
    return article


def submit_article(article: ColumnArticle, *, actor_id: int | None = None) -> ColumnArticle:
    if article.status not in (DRAFT, REJECTED):
        raise ColumnConflict("只有草稿或退回的文章可以提交。")
    article.status, article.submitted_at = SUBMITTED, utcnow()
    db.session.flush()
    audit.write(
        "column.submit", "article", article.id, actor_id=actor_id, bureau_id=article.bureau_id
    )
    return article


def publish(
    article: ColumnArticle, *, actor_id: int | None = None, now: datetime | None = None
) -> ColumnArticle:
    """The city publishes a submitted article (or its own draft)."""
    if article.status == PUBLISHED:
        raise ColumnConflict("文章已发布。")
    article.status, article.published_at = PUBLISHED, now or utcnow()
    article.submitted_at = article.submitted_at or article.published_at
    db.session.flush()
    audit.write(
        "column.publish", "article", article.id, actor_id=actor_id, bureau_id=article.bureau_id
    )
    event(
        "column",
        "article %s of bureau %s published by user %s",
        article.id,
        article.bureau_id,
        actor_id,
        actor_id=actor_id,
        target=f"article:{article.id}",
    )
    return article


def reject(article: ColumnArticle, comment: str, *, actor_id: int | None = None) -> ColumnArticle:
    """The city sends a submitted article back, or withdraws a published one, with a reason."""
    comment = (comment or "").strip()
    if article.status not in (SUBMITTED, PUBLISHED):
        raise ColumnConflict("只能退回待审核或已发布的文章。")
    if not comment:
        raise ColumnConflict("请填写退回原因。")
    article.status, article.review_comment, article.published_at = REJECTED, comment, None
    db.session.flush()
    audit.write(
        "column.reject",
        "article",
        article.id,
        actor_id=actor_id,
        bureau_id=article.bureau_id,
        new={"comment": comment},
    )
    event(
        "column",
        "article %s of bureau %s sent back by user %s",
        article.id,
        article.bureau_id,
        actor_id,
        actor_id=actor_id,
        target=f"article:{article.id}",
    )
    return article


def pending_count() -> int:
    """Articles submitted and awaiting the city's review."""
    return db.session.scalar(
        select(func.count()).select_from(ColumnArticle).where(ColumnArticle.status == SUBMITTED)
    )


def articles_for(bureau_id: int | None) -> list[ColumnArticle]:
    """Articles of one bureau (None: all), newest first."""
    stmt = select(ColumnArticle).order_by(ColumnArticle.updated_at.desc(), ColumnArticle.id.desc())
    if bureau_id is not None:
        stmt = stmt.where(ColumnArticle.bureau_id == bureau_id)
    return list(db.session.scalars(stmt))


def published_query() -> Select:
    """Published articles, newest first, with their bureaus."""
    return (
        select(ColumnArticle)
        .where(ColumnArticle.status == PUBLISHED)
        .options(selectinload(ColumnArticle.bureau))
        .order_by(ColumnArticle.published_at.desc(), ColumnArticle.id.desc())
    )


def published_articles(limit: int | None = None) -> list[ColumnArticle]:
    return list(db.session.scalars(published_query().limit(limit)))


def published_article(article_id: int) -> ColumnArticle | None:
    """The article if the public may see it."""
    article = db.session.get(ColumnArticle, article_id)
    return article if article is not None and article.status == PUBLISHED else None


@dataclass(frozen=True)
class CaseData:
    enterprise: str
    violation: str
    legal_basis: str
    decision: str
    decided_on: date
    bureau_id: int | None = None


def add_case(
    campaign_id: int | None, data: CaseData, *, disclose: bool = False, actor_id: int | None = None
) -> PenaltyCase:
    """The city records a penalty case in the campaign, disclosed to the public or not."""
    if campaign_id is None:
        raise ColumnConflict(f"{NO_CAMPAIGN}。")
    for label, value in (
        ("企业名称", data.enterprise),
        ("违法行为", data.violation),
        ("法律依据", data.legal_basis),
        ("处罚决定", data.decision),
    ):
        if not (value or "").strip():
            raise ColumnError(f"请填写{label}。")
    case = PenaltyCase(
        campaign_id=campaign_id,
        bureau_id=data.bureau_id,
        enterprise=data.enterprise.strip(),
        violation=data.violation.strip(),
        legal_basis=data.legal_basis.strip(),
        decision=data.decision.strip(),
        decided_on=data.decided_on,
    )
    db.session.add(case)
    db.session.flush()
    audit.write(
        "column.case_add",
        "penalty_case",
        case.id,
        actor_id=actor_id,
        new={"enterprise": case.enterprise},
    )
    set_disclosed(case, disclose, actor_id=actor_id)
    return case


def set_disclosed(case: PenaltyCase, disclosed: bool, *, actor_id: int | None = None) -> None:
    """Show a case to the public, or hide it again."""
    if case.is_disclosed == disclosed:
        return
    case.is_disclosed, case.disclosed_at = disclosed, utcnow() if disclosed else None
    db.session.flush()
    audit.write(
        "column.case_disclose" if disclosed else "column.case_hide",
        "penalty_case",
        case.id,
        actor_id=actor_id,
    )


def all_cases() -> list[PenaltyCase]:
    return list(
        db.session.scalars(
            select(PenaltyCase).order_by(PenaltyCase.decided_on.desc(), PenaltyCase.id)
        )
    )


def disclosed_query() -> Select:
    """Disclosed cases, newest decision first."""
    return (
        select(PenaltyCase)
        .where(PenaltyCase.is_disclosed.is_(True))
        .order_by(PenaltyCase.decided_on.desc(), PenaltyCase.id.desc())
    )


def disclosed_cases(limit: int | None = None) -> list[PenaltyCase]:
    return list(db.session.scalars(disclosed_query().limit(limit)))


def disclosed_case(case_id: int) -> PenaltyCase | None:
    case = db.session.get(PenaltyCase, case_id)
    return case if case is not None and case.is_disclosed else None
