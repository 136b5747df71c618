"""Models of the law library: laws and their articles, and the SQLite full-text index."""

from __future__ import annotations

from datetime import date

from sqlalchemy import DDL, CheckConstraint, ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lianbing.host import db

#: the SQLite full-text index over article texts; trigram tokens, since Chinese has no spaces
FTS_TABLE = "training_article_fts"
FTS_CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "body, article_id UNINDEXED, tokenize='trigram')"
)
FTS_DROP = f"DROP TABLE IF EXISTS {FTS_TABLE}"


class Law(db.Model):
    """A law or regulation in the library."""

    __tablename__ = "training_laws"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: short stable code, e.g. "EPL2014"; the first half of every article key
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(200), default="")
    effective_on: Mapped[date | None]

    articles: Mapped[list["Article"]] = relationship(
        back_populates="law", order_by="Article.number", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Law {self.code}>"


class Article(db.Model):
    """One article of a law; other parts cite it by ``key`` (e.g. "EPL2014:24")."""

    __tablename__ = "training_articles"
    __table_args__ = (
        UniqueConstraint("law_id", "number", name="uq_training_articles_law_number"),
        CheckConstraint("number > 0", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    law_id: Mapped[int] = mapped_column(
        ForeignKey("training_laws.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    #: "<law code>:<number>", stable, stored as a plain string by other parts
    key: Mapped[str] = mapped_column(String(40), unique=True)
    body: Mapped[str] = mapped_column(Text)

    law: Mapped[Law] = relationship(back_populates="articles")

    @property
    def label(self) -> str:
        return f"《{self.law.name}》第{self.number}条"

    def __repr__(self) -> str:
        return f"<Article {self.key}>"


event.listen(Article.__table__, "after_create", DDL(FTS_CREATE).execute_if(dialect="sqlite"))
event.listen(Article.__table__, "before_drop", DDL(FTS_DROP).execute_if(dialect="sqlite"))
