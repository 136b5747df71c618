"""Ranking pages: an officer's breakdown (my scores), rankings, bureau ranking, charts, export."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from lianbing.accounts import services as accounts
from lianbing.accounts.models import Bureau, User
from lianbing.auth import (
    ADMINS,
    CITY_ADMIN,
    OFFICER,
    ROLES,
    any_user,
    readable_bureaus,
    reading_scope,
    require_bureau,
    require_role,
)
from lianbing.campaign import services as campaigns
from lianbing.campaign.models import Campaign
from lianbing.counters.fragments import kept
from lianbing.dbtypes import utcnow
from lianbing.errors import Invalid, NotFound
from lianbing.extensions import db
from lianbing.jobs import services as jobs
from lianbing.ledger import expected
from lianbing.ledger import services as ledger
from lianbing.parts import registry
from lianbing.rankings import (
    admin_views,  # noqa: F401  (registers the admin routes on bp)
    board_views,  # noqa: F401  (registers the officers' leaderboard on bp)
    breakdown,
    charts,
    measures,
    yoy_views,  # noqa: F401  (registers the year-over-year pages on bp)
)
from lianbing.rankings.blueprint import bp, load_campaign
from lianbing.rankings.jobs import RANKING_EXPORT
from lianbing.rankings.ranking import (
    CACHE_SECONDS,
    Ranking,
    Row,
    ranking_for,
    ranking_of,
    viewer_ranking,
)

PAGE_SIZE = 100


def _int_arg(name: str, default: int | None = None) -> int | None:
    raw = request.args.get(name, "")
    if not raw:
        return default
    if not raw.isdigit():
        raise Invalid(f"参数 {name} 必须是正整数。")
    return int(raw)


# --- an officer's scores -------------------------------------------------------------------


@bp.route("/mine")
@any_user
def mine():
    campaign = campaigns.active_campaign()
    if campaign is None:
        return render_template(
            "rankings/mine.html", entries=[], campaign=None, kinds=registry().kinds
        )
    return _officer_page(campaign, current_user)


@bp.route("/officer/<int:user_id>")
@any_user
def officer(user_id: int):
    campaign = load_campaign()
    user = db.session.get(User, user_id) or abort(404)
    if user.id != current_user.id:
        require_bureau(current_user, user.bureau_id)
    return _officer_page(campaign, user)


def _officer_page(campaign: Campaign, user: User):
    """The composite, ranks and per-kind lines, each traced to the officer's ledger rows."""
    ranking = ranking_of(campaign, user.bureau)
    entries = ledger.entries_for(user.id, campaign.id)
    missing = breakdown.missed(campaign.id, user)
    return render_template(
        "rankings/officer.html",
        campaign=campaign,
        person=user,
        row=ranking.row_of(user.id),
        lines=breakdown.kind_lines(ranking, user.id),
        entries=entries,
        missing=missing,
        expected_lines=expected.lines_for(campaign.id, user, utcnow()),
        status_labels=expected.STATUS_LABELS,
        trend=breakdown.trend(ranking, campaign, entries, missing),
        kinds=registry().kinds,
        city_size=len(ranking),
        bureau_size=ranking.count(user.bureau_id),
    )


# --- rankings ------------------------------------------------------------------------------


@bp.route("/rankings")
@require_role(OFFICER, *ADMINS)
def rankings():
    if current_user.role == OFFICER:
        return redirect(url_for("rankings.board"))
    if current_user.role != CITY_ADMIN:
        return redirect(
            url_for("rankings.bureau_rankings", bureau_id=current_user.bureau_id, **request.args)
        )
    return _ranking_page(load_campaign(), _int_arg("bureau"))


@bp.route("/rankings/bureau/<int:bureau_id>")
@require_role(*ADMINS)
def bureau_rankings(bureau_id: int):
    require_bureau(current_user, bureau_id)
    return _ranking_page(load_campaign(), bureau_id)


def _ranking_page(campaign: Campaign, bureau_id: int | None):
    """One page of the ranking of the campaign, or of a bureau and the bureaus below it (ranked
    within its city, or within itself above city level)."""
    role, kind = _filters()
    bureau = _bureau(bureau_id)
    ranking, rows, rank_word = _scoped_rows(campaign, bureau, role, kind)
    page, pages = _page_of(len(rows))
    offset = (page - 1) * PAGE_SIZE
    viewer = _viewer(ranking, rows, offset)
    return render_template(
        "rankings/rankings.html",
        campaign=campaign,
        ranking=ranking,
        rows_html=_rows_html(campaign, ranking, rows, offset, (bureau_id, role, kind, page)),
        page=page,
        pages=pages,
        total=len(rows),
        viewer=_cells(ranking, [viewer])[0] if viewer else None,
        bureau=bureau,
        rank_word=rank_word,
        bureaus=accounts.filter_bureaus() if bureau is None else [],
        role=role,
        kind=kind,
        kinds=registry().kinds,
        page_links=[(p, _page_url(p) if p else "") for p in _page_window(page, pages)],
        officer_base=_officer_base(),
    )


def _scoped_rows(campaign: Campaign, bureau: Bureau | None, role: str | None, kind: str | None):
    """(ranking, rows, rank word) of a page shown for ``bureau``: its scope's ranking, every
    row on a scope's own page, else the rows of the bureau and the bureaus below it."""
    scope, rank_word = accounts.ranking_scope(bureau)
    ranking = ranking_for(campaign, scope=scope)
    whole = bureau is None or bureau.path == scope
    within = None if whole else bureau.subtree_ids()
    return ranking, ranking.select(role=role, kind=kind, within=within), rank_word


def _viewer(ranking: Ranking, rows, offset: int) -> Row | None:
    """The viewer's own row when ranked but not among this page's rows."""
    pos = ranking.by_user.get(current_user.id)
    if pos is None or pos in rows.positions[offset : offset + PAGE_SIZE]:
        return None
    return ranking.row(pos)


def _officer_base() -> str:
    """An officer's page URL without the id (the rows add it)."""
    return url_for("rankings.officer", user_id=0)[:-1]


def _rows_html(campaign: Campaign, ranking: Ranking, rows, offset: int, parts: tuple) -> Markup:
    """The page's rows as HTML: the same for everyone who sees this page of this ranking, so
    cached under the ranking's key (its ledger version; shared by every worker and machine when
    the cache is Redis) and the page's filters; the viewer's own row is marked here."""
    body = kept(
        f"ranking-rows:{ranking.key}:" + ":".join(map(str, parts)),
        lambda: render_template(
            "rankings/_ranking_rows.html",
            campaign=campaign,
            rows=_cells(ranking, rows[offset : offset + PAGE_SIZE]),
            offset=offset,
            kinds=registry().kinds,
            officer_base=_officer_base(),
        ),
        CACHE_SECONDS,
    )
    mark = f'<tr data-user="{current_user.id}">'
    return Markup(body.replace(mark, mark[:-1] + ' class="table-success">', 1))


def _filters() -> tuple[str | None, str | None]:
    """The ?role= and ?kind= filters, refused when they name nothing known."""
    role = request.args.get("role") or None
    kind = request.args.get("kind") or None
    if (role and role not in ROLES) or (kind and kind not in registry().kinds):
        raise Invalid("筛选条件无效。")
    return role, kind


def _page_of(total: int) -> tuple[int, int]:
    """(?page=, number of pages); 404 beyond the last page."""
    pages = max(1, -(-total // PAGE_SIZE))
    page = _int_arg("page", 1)
    if page < 1 or page > pages:
        raise NotFound(f"页码超出范围（共 {pages} 页）。")
    return page, pages


def _cells(ranking: Ranking, rows: list[Row]) -> list[tuple[Row, list[str]]]:
    """(row, share percentages as text) for the rows shown: formatted here, not by the template."""
    return [(r, [f"{100 * r.share(k):.1f}%" for k in ranking.kinds]) for r in rows]


def _page_window(page: int, pages: int, around: int = 3) -> list[int]:
    """First, last and the pages near the current one; 0 marks a gap."""
    shown = sorted({1, pages, *range(max(1, page - around), min(pages, page + around) + 1)})
    out: list[int] = []
    for p in shown:
        if out and p - out[-1] > 1:
            out.append(0)
        out.append(p)
    return out


def _page_url(page: int) -> str:
    args = {**request.args.to_dict(), **(request.view_args or {}), "page": page}
    return url_for(request.endpoint, **args)


def _bureau(bureau_id: int | None) -> Bureau | None:
    """The bureau a ranking page is limited to (None for the city); 404 when it does not exist."""
    if not bureau_id:
        return None
    bureau = db.session.get(Bureau, bureau_id)
    if bureau is None:
        raise NotFound("单位不存在。")
    return bureau


# --- the bureau ranking, charts, the export ------------------------------------------------


@bp.route("/bureaus")
@require_role(*ADMINS)
def bureau_ranking():
    campaign = load_campaign()
    rows = measures.bureau_ranking(viewer_ranking(campaign, current_user))
    return render_template(
        "rankings/bureaus.html",
        campaign=campaign,
        rows=rows,
        measures=measures.all_measures(),
        weights=measures.weights(campaign.id),
        chart=[(r.name, r.score) for r in rows],
    )


@bp.route("/charts")
@require_role(*ADMINS)
def chart_page():
    campaign = load_campaign()
    ranking = viewer_ranking(campaign, current_user)
    return render_template(
        "rankings/charts.html",
        campaign=campaign,
        distribution=charts.distribution(ranking, readable_bureaus(current_user)),
        comparison=charts.bureau_comparison(ranking),
        progress=charts.progress(campaign, ranking.version, reading_scope(current_user)),
    )


@bp.route("/rankings.xlsx", methods=["POST"])
@require_role(CITY_ADMIN)
def ranking_export():
    """Start the whole-city export as a background job and follow it on the job's page."""
    campaign = load_campaign()
    job = jobs.start(RANKING_EXPORT, {"campaign_id": campaign.id}, current_user)
    return redirect(url_for("jobs.detail", job_id=job.id), 303)
