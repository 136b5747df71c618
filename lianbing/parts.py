"""The Part contract: how a training activity plugs into the host.

Each part's ``__init__.py`` exposes ``part = Part(...)``. ``register_parts(app)``
imports the names in ``app.config["PARTS"]`` (an explicit list), checks that names
and activity kinds are unique, registers blueprints and CLI groups and collects
navigation. The result is kept in ``app.extensions["lianbing"]`` as a ``Registry``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable, Iterable, Mapping, Sequence

from flask import Blueprint, Flask, current_app, url_for

ROLES = ("officer", "trainer", "bureau_admin", "city_admin")
ROLE_LABELS = {
    "officer": "执法人员",
    "trainer": "培训/法制人员",
    "bureau_admin": "县级管理员",
    "city_admin": "市局管理员",
}


@dataclass(frozen=True)
class ActivityKind:
    """A kind of result a part reports to the score ledger."""

    key: str
    label: str
    default_weight: float


@dataclass(frozen=True)
class ActivityRef:
    """One activity a part runs, named as the ledger knows it (``kind``, ``ref``) and as people
    know it (``title``): what the city picks from when it expects an activity of officers."""

    kind: str
    ref: str
    title: str


@dataclass(frozen=True)
class NavEntry:
    """A navigation link shown to the given roles."""

    label: str
    endpoint: str
    roles: frozenset[str] = frozenset(ROLES)


@dataclass(frozen=True)
class ActivityLink:
    """Where a ledger reference ``<prefix>:<id>`` opens: an endpoint taking the id as ``arg``.

    Only the listed roles get the link (an officer is not sent to a staff page that answers 403).
    """

    endpoint: str
    arg: str
    roles: frozenset[str] = frozenset(ROLES)


@dataclass(frozen=True)
class Notice:
    """One person's notification of one event; (user_id, event_key) reaches them once."""

    user_id: int
    event_key: str
    title: str
    body: str = ""
    link: str = ""


@dataclass(frozen=True)
class CampaignDates:
    """The campaign a question is about, as plain values: its id and its first and last day."""

    id: int
    start_date: date
    end_date: date


@dataclass(frozen=True)
class Qualification:
    """A result a part vouches for that earns its holder a 结业证书 (completion certificate).

    ``ref`` names the result in the part's own words (``plan:12``): the same person and ref
    always mean the same certificate, so issuing twice finds the first one.
    """

    user_id: int
    ref: str
    #: what the certificate is for, e.g. "完成学习任务“环境执法基础”"
    title: str
    achieved_at: datetime | None = None


@dataclass(frozen=True)
class Part:
    """What a part declares to the host."""

    name: str
    title: str
    blueprint: Blueprint
    nav: tuple[NavEntry, ...] = ()
    activity_kinds: tuple[ActivityKind, ...] = ()
    #: callable(campaign_id) loading the part's demo content through its services
    demo: Callable[[int], None] | None = None
    #: callable(app) run once at registration: signal subscriptions, template filters
    register: Callable[[Flask], None] | None = None
    #: callable(user) -> list of dicts {"title", "url", "detail"} for the home dashboard
    dashboard: Callable[[object], list[dict]] | None = None
    #: links other parts may ask for by name, e.g. {"law_article": "training.article"};
    #: the asker calls ``link_for("law_article", key=…)`` and copes with None (part disabled)
    links: Mapping[str, str] = field(default_factory=dict, hash=False)
    #: callable(now) -> the notices due at ``now`` (UTC), read from the part's own models;
    #: ``flask notify run`` collects them and delivers each (user, event key) once
    notices: Callable[[datetime], Iterable[Notice]] | None = None
    #: the ledger reference prefixes the part writes (``quiz`` for ``quiz:12``) and where each
    #: opens; ``lianbing.activities`` turns a ledger line into words and this link
    activity_links: Mapping[str, ActivityLink] = field(default_factory=dict, hash=False)
    #: keys other parts may ask to have put into words, by name, e.g. {"law_article": f} with
    #: ``f(keys) -> {key: "《…》第N条"}`` for the keys it knows; the asker calls
    #: ``words_for("law_article", keys)`` and copes with keys left out (unknown, part disabled)
    words: Mapping[str, Callable[[list[str]], Mapping[str, str]]] = field(
        default_factory=dict, hash=False
    )
    #: callable(campaign: CampaignDates, user_ids: Sequence[int] | None) -> Iterable[
    #: Qualification]: the completions the part vouches for in that campaign, for those people
    #: (None: everyone); the host's certificates issue 结业证书 only for what it returns
    certificate_qualifications: (
        Callable[[CampaignDates, Sequence[int] | None], Iterable[Qualification]] | None
    ) = None
    #: callable(ReportScope) -> the part's figures for the report to the province, read from
    #: its own models (study hours, competitions, records graded…); in the order to print them
    report_figures: Callable[["ReportScope"], list["ReportFigure"]] | None = None
    #: callable(campaign_id) -> the part's activities (``ActivityRef``) that officers can be
    #: expected to do in the campaign; the city chooses among them by name
    activities: Callable[[int], Iterable[ActivityRef]] | None = None


@dataclass(frozen=True)
class ReportScope:
    """What a province-report figure is counted over: a campaign's dates and some bureaus."""

    campaign_id: int
    #: the campaign's first moment and the moment after its last day (UTC)
    starts_at: datetime
    ends_at: datetime
    bureau_ids: tuple[int, ...]


@dataclass(frozen=True)
class ReportFigure:
    """One line of the report to the province: its section, its label and its value."""

    section: str
    label: str
    #: a count, a share in per cent (one decimal) or a short text
    value: int | float | str


class PartError(RuntimeError):
    """A part declaration that cannot be registered."""


@dataclass
class Registry:
    """The parts and activity kinds known to one application."""

    parts: dict[str, Part] = field(default_factory=dict)
    kinds: dict[str, ActivityKind] = field(default_factory=dict)
    kind_owner: dict[str, str] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    activity_links: dict[str, ActivityLink] = field(default_factory=dict)
    words: dict[str, Callable[[list[str]], Mapping[str, str]]] = field(default_factory=dict)
    #: the parts' (and the host's) ``activities`` callables, see ``Part.activities``
    activities: list[Callable[[int], Iterable[ActivityRef]]] = field(default_factory=list)

    def add(self, part: Part) -> None:
        """Add one part, refusing duplicate names and activity kinds."""
        if part.name in self.parts:
            raise PartError(f"duplicate part name: {part.name}")
        for kind in part.activity_kinds:
            self.add_kind(kind, part.name)
        for name, endpoint in part.links.items():
            if name in self.links:
                raise PartError(f"duplicate link name: {name} ({part.name})")
            if not endpoint.startswith(f"{part.name}."):
                raise PartError(f"link {name} of part {part.name} points outside it: {endpoint}")
            self.links[name] = endpoint
        self.add_activity_links(part.name, part.activity_links)
        for name, describe in part.words.items():
            if name in self.words:
                raise PartError(f"duplicate words name: {name} ({part.name})")
            self.words[name] = describe
        if part.activities is not None:
            self.activities.append(part.activities)
        self.parts[part.name] = part

    def add_activity_links(self, owner: str, links: Mapping[str, ActivityLink]) -> None:
        """Add the ledger reference prefixes a part (or the host) opens, refusing duplicates."""
        for prefix, link in links.items():
            if prefix in self.activity_links:
                raise PartError(f"duplicate activity link: {prefix} ({owner})")
            if not link.endpoint.startswith(f"{owner}."):
                raise PartError(f"activity link {prefix} of {owner} points outside it")
            self.activity_links[prefix] = link

    def add_kind(self, kind: ActivityKind, owner: str) -> None:
        """Add one activity kind owned by a part or by the host."""
        if kind.key in self.kinds:
            raise PartError(
                f"duplicate activity kind: {kind.key} ({owner}, {self.kind_owner[kind.key]})"
            )
        self.kinds[kind.key] = kind
        self.kind_owner[kind.key] = owner

    def nav_for(self, role: str | None) -> list[tuple[str, list[NavEntry]]]:
        """Navigation groups (part title, entries) visible to a role."""
        groups = []
        for part in self.parts.values():
            entries = [e for e in part.nav if role in e.roles]
            if entries:
                groups.append((part.title, entries))
        return groups


HOST_KINDS = (ActivityKind("award", "实战练兵加分", 10.0),)
#: the host's own ledger references (approved awards open the awards page)
HOST_ACTIVITY_LINKS = {
    "award": ActivityLink("rankings.award_list", "", frozenset({"bureau_admin", "city_admin"}))
}
#: drill rounds open their page (the ledger's ``drill_round:<id>``)
DRILL_ACTIVITY_LINKS = {
    "drill_round": ActivityLink(
        "drills.round_detail", "round_id", frozenset({"officer", "bureau_admin", "city_admin"})
    )
}


def load_part(name: str) -> Part:
    """Import a part package by name and return its ``part`` object."""
    module = importlib.import_module(name)
    part = getattr(module, "part", None)
    if not isinstance(part, Part):
        raise PartError(f"module {name!r} has no `part = Part(...)`")
    if part.name != name:
        raise PartError(f"part in module {name!r} calls itself {part.name!r}")
    return part


def register_parts(app: Flask, parts: Iterable[Part] | None = None) -> Registry:
    """Register the parts listed in PARTS (or the given ones) on the app."""
    registry = Registry()
    for kind in HOST_KINDS:
        registry.add_kind(kind, "lianbing")
    registry.add_activity_links("rankings", HOST_ACTIVITY_LINKS)
    registry.add_activity_links("drills", DRILL_ACTIVITY_LINKS)
    chosen = list(parts) if parts is not None else [load_part(n) for n in app.config["PARTS"]]
    for part in chosen:
        registry.add(part)
    for part in chosen:
        app.register_blueprint(part.blueprint, url_prefix=f"/{part.name}")
        if part.register:
            part.register(app)
    app.extensions["lianbing"] = registry
    return registry


def registry() -> Registry:
    """The registry of the current application."""
    return current_app.extensions["lianbing"]


def link_for(name: str, **values) -> str | None:
    """The URL of a link another part declared by name, or None when no enabled part has it."""
    endpoint = registry().links.get(name)
    return url_for(endpoint, **values) if endpoint else None


def words_for(name: str, keys: Iterable[str]) -> dict[str, str]:
    """Keys put into words by the part declaring ``name``; keys it does not know are left out."""
    keys = sorted({k for k in keys if k})
    describe = registry().words.get(name)
    return dict(describe(keys)) if describe and keys else {}
