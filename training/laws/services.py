"""The law library: import laws article by article, find articles, quote them in lessons.

Services take plain data, raise the host's refusals (``Invalid`` …) and flush, never commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select, text

from lianbing.host import Invalid, db, log_event, write_audit
from training.laws.models import FTS_TABLE, Article, Law

KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,29}:[1-9][0-9]{0,3}$")
CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,29}$")
CITE_RE = re.compile(r"\[\[([A-Za-z][A-Za-z0-9_-]{0,29}:[0-9]{1,4})\]\]")


@dataclass(frozen=True)
class LawData:
    code: str
    name: str
    issuer: str = ""
    effective_on: date | None = None


def article_key(code: str, number: int) -> str:
    """The stable reference other parts store, e.g. "EPL2014:24"."""
    return f"{code}:{number}"


def all_laws() -> list[Law]:
    """Every law of the library, by code."""
    return list(db.session.scalars(select(Law).order_by(Law.code)))


def law_by_code(code: str) -> Law | None:
    """The law with this code, or None."""
    return db.session.scalar(select(Law).where(Law.code == code))


def article_by_key(key: str) -> Article | None:
    """The article with this key (e.g. "EPL2014:24"), or None."""
    return db.session.scalar(select(Article).where(Article.key == key))


def article_words(keys) -> dict[str, str]:
    """《law》第N条 for the keys that are articles of the library (for other parts' pages)."""
    return {key: article.label for key, article in articles_by_keys(keys).items()}


def law_words(codes) -> dict[str, str]:
    """《law》 for the codes of laws in the library."""
    codes = sorted(set(codes))
    if not codes:
        return {}
    return {
        law.code: f"《{law.name}》"
        for law in db.session.scalars(select(Law).where(Law.code.in_(codes)))
    }


def articles_by_keys(keys) -> dict[str, Article]:
    """The library articles among ``keys`` (unknown keys are simply absent)."""
    keys = sorted(set(keys))
    if not keys:
        return {}
    return {a.key: a for a in db.session.scalars(select(Article).where(Article.key.in_(keys)))}


def _check_law(data: LawData) -> None:
    if not CODE_RE.match(data.code or ""):
        raise Invalid("法规代码须以字母开头，只含字母、数字、- 或 _（如 EPL2014）。")
    if not data.name.strip():
        raise Invalid("请填写法规名称。")


def _check_articles(articles: list[tuple[int, str]]) -> None:
    if not articles:
        raise Invalid("没有找到任何条文（请用“第X条”开头分条）。")
    seen = set()
    for number, body in articles:
        if number in seen:
            raise Invalid(f"第{number}条重复出现。")
        if number <= 0 or number > 9999 or not body.strip():
            raise Invalid(f"第{number}条的条号或内容无效。")
        seen.add(number)


def _upsert_articles(law: Law, articles: list[tuple[int, str]]) -> None:
    """Update the law's existing articles by number and append the new ones, in order."""
    existing = {a.number: a for a in law.articles}
    for number, body in articles:
        article = existing.get(number)
        if article is None:
            article = Article(number=number, key=article_key(law.code, number))
            law.articles.append(article)
        article.body = body.strip()


def import_law(
    data: LawData, articles: list[tuple[int, str]], *, actor_id: int | None = None
) -> Law:
    """Create or update a law and upsert its articles (all or nothing)."""
    _check_law(data)
    _check_articles(articles)
    law = law_by_code(data.code) or Law(code=data.code)
    law.name, law.issuer, law.effective_on = (
        data.name.strip(),
        data.issuer.strip(),
        data.effective_on,
    )
    db.session.add(law)
    db.session.flush()
    _upsert_articles(law, articles)
    db.session.flush()
    reindex(law)
    write_audit(
        "training.law_import",
        "training_law",
        law.id,
        actor_id=actor_id,
        new={"code": law.code, "articles": len(articles)},
    )
    log_event(
        "training",
        "law %s imported by user %s: %d articles",
        law.code,
        actor_id,
        len(articles),
        actor_id=actor_id,
        target=f"training_law:{law.id}",
        count=len(articles),
    )
    return law


def _is_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def reindex(law: Law) -> None:
    """Refresh the SQLite FTS5 rows of a law's articles (no-op elsewhere)."""
    if not _is_sqlite():
        return
    ids = [a.id for a in law.articles]
    params = [{"id": a.id, "body": f"{a.key} {law.name} {a.body}"} for a in law.articles]
    db.session.execute(
        text(
            f"DELETE FROM {FTS_TABLE} WHERE article_id IN "
            f"({','.join(str(int(i)) for i in ids) or 'NULL'}) "
            "OR article_id NOT IN (SELECT id FROM training_articles)"
        )
    )
    if params:
        db.session.execute(
            text(f"INSERT INTO {FTS_TABLE}(article_id, body) VALUES (:id, :body)"), params
        )


CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def search(query: str, limit: int = 50) -> list[Article]:
    """Articles whose law name or text contains the query.

    SQLite: FTS5 with the trigram tokenizer (substring match, ranked by bm25) for queries of
    three or more characters. Chinese has no word boundaries, so shorter queries and
    PostgreSQL (whose built-in text search configurations do not segment Chinese) use a
    plain case-insensitive substring match.
    """
    # control characters (NUL …) end an FTS5 string and cannot be stored in PostgreSQL text
    query = CONTROL_RE.sub("", query or "").strip()[:100]
    if not query:
        return []
    if _is_sqlite() and len(query) >= 3:
        return _fts_search(query, limit)
    pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    stmt = (
        select(Article)
        .join(Law)
        .where(
            or_(
                Article.body.ilike(pattern, escape="\\"),
                Law.name.ilike(pattern, escape="\\"),
                Article.key.ilike(pattern, escape="\\"),
            )
        )
        .order_by(Law.code, Article.number)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def _fts_search(query: str, limit: int) -> list[Article]:
    phrase = '"' + query.replace('"', '""') + '"'
    ids = list(
        db.session.scalars(
            text(
                f"SELECT article_id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q"
                f" ORDER BY bm25({FTS_TABLE}) LIMIT :n"
            ),
            {"q": phrase, "n": limit},
        )
    )
    found = {a.id: a for a in db.session.scalars(select(Article).where(Article.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def cited_keys(body: str) -> list[str]:
    """Article keys cited inline as [[CODE:N]], in order of first appearance."""
    return list(dict.fromkeys(CITE_RE.findall(body or "")))


def expand_citations(body: str) -> str:
    """Replace [[CODE:N]] with the article quoted from the library (Markdown, sanitized later)."""
    articles = articles_by_keys(cited_keys(body))

    def quote(match: re.Match) -> str:
        article = articles.get(match.group(1))
        if article is None:
            return f"*（引用的条文 {match.group(1)} 不在法规库中）*"
        lines = "\n> ".join(article.body.splitlines())
        return f"\n\n> **{article.label}**　{lines}\n\n"

    return CITE_RE.sub(quote, body or "")
