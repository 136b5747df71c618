"""The read-only JSON API under /api/v1/ for other systems (e.g. the provincial platform).

Why the views are marked ``@public``: API clients have no browser session, so the session
based ``require_role`` cannot apply. Every data view instead passes ``token_required``, which
checks the ``Authorization: Bearer`` token (stored hashed, revocable, optionally limited to
one bureau) before the view runs. The API serves GET only, which CSRF protection (a guard
for state-changing requests of cookie sessions) leaves alone.

A refusal is an ``ApiError``: the host's JSON error (``ok``, ``error``, ``request_id``) plus the
``detail`` and, on 401, the ``WWW-Authenticate`` challenge that the OpenAPI document promises.
"""

from __future__ import annotations

from dataclasses import asdict
from functools import wraps

from flask import g, request
from sqlalchemy import select

from lianbing.accounts import throttle
from lianbing.accounts.models import Bureau, User
from lianbing.api import tokens
from lianbing.api.blueprint import bp
from lianbing.api.openapi import BASE, MAX_PER_PAGE, document
from lianbing.auth import public
from lianbing.campaign.models import Campaign
from lianbing.errors import Refused, respond
from lianbing.extensions import db
from lianbing.ledger import services as ledger
from lianbing.logconfig import event
from lianbing.parts import ROLES, registry
from lianbing.rankings import breakdown, measures
from lianbing.rankings.ranking import Ranking, Row, ranking_for, ranking_of


class ApiError(Refused):
    """A refused API call: its status, a short error and a longer detail."""

    def __init__(self, status: int, error: str, detail: str = ""):
        super().__init__(error, status)
        self.detail = detail


@bp.errorhandler(ApiError)
def _api_error(err: ApiError):
    """The host's JSON error with the detail; 401 also says how to authenticate."""
    body, status = respond(err.status, str(err), err.detail)
    headers = {"WWW-Authenticate": 'Bearer realm="lianbing"'} if status == 401 else {}
    return body, status, headers


def token_required(view):
    """Let the request through only with a live token; keeps it in g.api_token."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        raw = header[7:].strip() if header.startswith("Bearer ") else None
        if not raw:
            raise ApiError(401, "缺少令牌", "请在请求头中提供 Authorization: Bearer <令牌>。")
        try:
            g.api_token = tokens.authenticate_request(raw, throttle.client_address(), request.path)
        except tokens.TokenRefused as err:
            raise ApiError(401, str(err)) from err
        return view(*args, **kwargs)

    return wrapped


def _require_scope(bureau_id: int | None) -> None:
    """A bureau-limited token reads only its own bureau."""
    limited = g.api_token.bureau_id
    if limited is not None and bureau_id != limited:
        event(
            "api",
            "API token %s refused outside its bureau",
            g.api_token.id,
            token_id=g.api_token.id,
            route=request.path,
        )
        raise ApiError(403, "令牌限定的单位不符", "该令牌只能读取其限定单位的数据。")


def _int(name: str, default: int, low: int, high: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < low or (high is not None and int(raw) > high):
        limit = f"{low} 到 {high}" if high else f"不小于 {low}"
        raise ApiError(400, "参数无效", f"{name} 须为{limit}的整数。")
    return int(raw)


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise ApiError(404, "活动不存在")
    return campaign


def _row(row: Row, position: int) -> dict:
    return {
        "position": position,
        "user_id": row.user_id,
        "name": row.name,
        "bureau_id": row.bureau_id,
        "bureau": row.bureau,
        "role": row.role,
        "composite": round(row.composite, 2),
        "city_rank": row.city_rank,
        "bureau_rank": row.bureau_rank,
        "shares": {k: round(row.share(k), 4) for k in row.available},
        "eligible": row.eligible,
        "reasons": list(row.reasons),
    }


def _page(campaign: Campaign, bureau_id: int | None) -> dict:
    page, per_page = _int("page", 1, 1), _int("per_page", 50, 1, MAX_PER_PAGE)
    role, kind = request.args.get("role") or None, request.args.get("kind") or None
    if (role and role not in ROLES) or (kind and kind not in registry().kinds):
        raise ApiError(400, "参数无效", "role 或 kind 不存在。")
    bureau = db.session.get(Bureau, bureau_id) if bureau_id else None
    rows = ranking_of(campaign, bureau).select(bureau_id=bureau_id, role=role, kind=kind)
    pages = max(1, -(-len(rows) // per_page))
    if page > pages:
        raise ApiError(404, "页码超出范围", f"共 {pages} 页。")
    start = (page - 1) * per_page
    return {
        "campaign_id": campaign.id,
        "bureau_id": bureau_id,
        "page": page,
        "per_page": per_page,
        "total": len(rows),
        "pages": pages,
        "items": [_row(r, start + i + 1) for i, r in enumerate(rows[start : start + per_page])],
    }


@bp.route(f"{BASE}/openapi.json")
@public
def openapi():
    """The OpenAPI document: readable without a token, so a client can learn how to get one."""
    return document()


@bp.route(f"{BASE}/campaigns")
@public  # token checked inside: see the module docstring
@token_required
def campaign_list():
    found = db.session.scalars(select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc()))
    return {
        "items": [
            {
                "id": c.id,
                "name": c.name,
                "year": c.year,
                "start_date": c.start_date.isoformat(),
                "end_date": c.end_date.isoformat(),
                "is_active": c.is_active,
            }
            for c in found
        ]
    }


@bp.route(f"{BASE}/campaigns/<int:campaign_id>/rankings")
@public  # token checked inside: see the module docstring
@token_required
def city_rankings(campaign_id: int):
    _require_scope(None)
    return _page(_campaign(campaign_id), None)


@bp.route(f"{BASE}/campaigns/<int:campaign_id>/bureaus/<int:bureau_id>/rankings")
@public  # token checked inside: see the module docstring
@token_required
def bureau_rankings(campaign_id: int, bureau_id: int):
    _require_scope(bureau_id)
    return _page(_campaign(campaign_id), bureau_id)


@bp.route(f"{BASE}/campaigns/<int:campaign_id>/officers/<int:user_id>")
@public  # token checked inside: see the module docstring
@token_required
def officer(campaign_id: int, user_id: int):
    campaign, user = _campaign(campaign_id), db.session.get(User, user_id)
    if user is None:
        raise ApiError(404, "人员不存在")
    _require_scope(user.bureau_id)
    ranking = ranking_of(campaign, user.bureau)
    row = ranking.row_of(user.id)
    if row is None:
        raise ApiError(404, "该人员不在本活动的排名中")
    return _breakdown(campaign, ranking, row)


def _breakdown(campaign: Campaign, ranking: Ranking, row: Row) -> dict:
    """An officer's ranking row, per-kind lines and every ledger line behind them."""
    return {
        **{
            k: v
            for k, v in _row(row, row.city_rank).items()
            if k not in ("position", "shares", "bureau", "role")
        },
        "campaign_id": campaign.id,
        "kinds": [asdict(line) for line in breakdown.kind_lines(ranking, row.user_id)],
        "entries": [
            {
                "kind": e.kind,
                "ref": e.ref,
                "title": e.title,
                "points": e.points,
                "max_points": e.max_points,
                "achieved_at": e.achieved_at.isoformat(),
            }
            for e in ledger.entries_for(row.user_id, campaign.id)
        ],
    }


@bp.route(f"{BASE}/campaigns/<int:campaign_id>/bureau-ranking")
@public  # token checked inside: see the module docstring
@token_required
def bureau_ranking(campaign_id: int):
    _require_scope(None)
    campaign = _campaign(campaign_id)
    weights = measures.weights(campaign.id)
    return {
        "campaign_id": campaign.id,
        "measures": [
            {"name": m.name, "label": m.label, "weight": weights[m.name]}
            for m in measures.all_measures()
        ],
        "items": [
            {
                "bureau_id": r.bureau_id,
                "name": r.name,
                "rank": r.rank,
                "score": r.score,
                "officers": r.officers,
                "active": r.active,
                "values": r.values,
            }
            for r in measures.bureau_ranking(ranking_for(campaign))
        ],
    }
