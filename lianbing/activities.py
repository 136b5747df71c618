"""Activity references in words: one place turns a ledger line into its title and its link.

The ledger keeps a part's reference (``quiz:12``, ``exercise:3``) and the title the part wrote.
People read neither codes nor ids: a line reads "知识竞赛：2017年大气法专题竞赛" and opens the
activity when the part declares where its references open (``Part.activity_links``) and the
viewer's role may open it. A reference no enabled part declares (a part switched off, demo
rows) keeps its words and loses only the link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import url_for
from sqlalchemy import select

from lianbing.extensions import db
from lianbing.parts import ActivityRef, link_for, registry, words_for

#: a title that already starts with a short label ("学习模块：…", "法治讲座：…") keeps it
_LABEL_LIMIT = 8


@dataclass(frozen=True)
class Activity:
    """How one ledger line reads: the kind's label, the words shown and where it opens."""

    label: str
    text: str
    url: str | None


def kind_label(kind: str) -> str:
    """The Chinese label of an activity kind; an unknown kind reads 其他活动, never its key."""
    known = registry().kinds.get(kind)
    return known.label if known else "其他活动"


def describe(kind: str, ref: str, title: str, role: str | None) -> Activity:
    """The words and link of a ledger reference, as shown to someone with ``role``."""
    label = kind_label(kind)
    return Activity(label, _text(label, title, ref), _url(ref, role))


def _text(label: str, title: str, ref: str = "") -> str:
    title = (title or "").strip()
    if not title or title == ref:  # the ledger keeps the reference when a part gave no title
        return f"{label}（未命名）"
    head, sep, _ = title.partition("：")
    if title.startswith(label) or (sep and 0 < len(head) <= _LABEL_LIMIT):
        return title
    return f"{label}：{title}"


def _url(ref: str, role: str | None) -> str | None:
    """The link of ``<prefix>:<id>`` when a part declares the prefix and the role may open it."""
    prefix, _, ident = (ref or "").partition(":")
    link = registry().activity_links.get(prefix)
    if link is None or role not in link.roles or not ident.isdigit():
        return None
    return url_for(link.endpoint, **({link.arg: int(ident)} if link.arg else {}))


def catalog(campaign_id: int, extra=()) -> list[ActivityRef]:
    """Every activity the enabled parts and the host run in the campaign (plus ``extra``, e.g.
    the ones already expected), once each, grouped by kind in the registry's order."""
    kinds = list(registry().kinds)
    found: dict[tuple[str, str], ActivityRef] = {}
    for source in registry().activities:
        for item in [*source(campaign_id)]:
            found.setdefault((item.kind, item.ref), item)
    for item in extra:
        found.setdefault((item.kind, item.ref), item)
    known = [a for a in found.values() if a.kind in kinds]
    return sorted(known, key=lambda a: kinds.index(a.kind))


def choice_key(kind: str, ref: str) -> str:
    """One form value naming an activity (kinds hold no colon; refs may)."""
    return f"{kind}:{ref}"


def choices(items: list[ActivityRef]) -> list[tuple[str, str]]:
    """(value, words) of each activity, as a select offers them: "知识竞赛：全市竞赛"."""
    return [(choice_key(a.kind, a.ref), _text(kind_label(a.kind), a.title, a.ref)) for a in items]


@dataclass(frozen=True)
class Citation:
    """A law article as people read it (《…》第N条) and its link; None when not in the library."""

    text: str
    url: str | None


NOT_IN_LIBRARY = "（本库未收录）"


def citations(keys) -> list[Citation]:
    """Article keys ("EPL2014:24") as 《title》第N条 with a link, or marked as not in the library.

    Every page citing a law article goes through here, so a key the library lacks reads
    "…第99条（本库未收录）" instead of linking to a page that answers 404.
    """
    keys = [k for k in keys or () if k]
    articles = words_for("law_article", keys)
    laws = words_for("law", [k.partition(":")[0] for k in keys])
    return [_citation(k, articles, laws) for k in keys]


def _citation(key: str, articles: dict[str, str], laws: dict[str, str]) -> Citation:
    if key in articles:
        return Citation(articles[key], link_for("law_article", key=key))
    code, _, number = key.partition(":")
    law = laws.get(code, f"{code} ")
    where = f"第{number}条" if number.isdigit() else number
    return Citation(f"{law}{where}{NOT_IN_LIBRARY}", None)


def law_citations(codes) -> list[Citation]:
    """Law codes ("EPL2014") as 《title》 linking to the law, or marked as not in the library."""
    codes = [c.strip() for c in codes or () if c and c.strip()]
    laws = words_for("law", codes)
    found = {c: Citation(laws[c], link_for("law", code=c)) for c in codes if c in laws}
    return [found.get(c) or Citation(c + NOT_IN_LIBRARY, None) for c in codes]


def titles_by_id(model, attr: str = "title") -> Callable[[list[str]], dict[str, str]]:
    """A ``words`` function naming rows of ``model`` by id (as strings, like audit target ids)."""

    def words(ids: list[str]) -> dict[str, str]:
        numbers = {int(i) for i in ids if str(i).isdigit()}
        if not numbers:
            return {}
        column = getattr(model, attr)
        rows = db.session.execute(select(model.id, column).where(model.id.in_(numbers)))
        return {str(row_id): str(name) for row_id, name in rows if name}

    return words
