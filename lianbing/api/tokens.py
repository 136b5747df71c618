"""API tokens: issued and revoked by the city admin, stored as SHA-256 digests only."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from lianbing.accounts import throttle
from lianbing.accounts.models import Bureau, User
from lianbing.api.models import ApiToken
from lianbing.audit import services as audit
from lianbing.auth import CITY_ADMIN
from lianbing.dbtypes import utcnow
from lianbing.errors import Invalid
from lianbing.extensions import db
from lianbing.logconfig import event

PREFIX = "lb_"


class TokenError(Invalid):
    """A token request that is refused (400, or 403 for someone who may not manage tokens)."""


class TokenRefused(Invalid):
    """An API call with a wrong token (401)."""

    status = 401


def digest(raw: str) -> str:
    """What is stored of a token: its SHA-256, in hex."""
    return hashlib.sha256(raw.encode()).hexdigest()


def issue(name: str, bureau_id: int | None, actor: User) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    if actor.role != CITY_ADMIN:
        raise TokenError("只有市局管理员可以签发接口令牌。", 403)
    if not name.strip():
        raise TokenError("请填写令牌用途。")
    if bureau_id is not None and db.session.get(Bureau, bureau_id) is None:
        raise TokenError("找不到该单位。")
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name.strip(),
        token_hash=digest(raw),
        prefix=raw[:10],
        bureau_id=bureau_id,
        created_by=actor.id,
        created_at=utcnow(),
    )
    db.session.add(token)
    db.session.flush()
    audit.write(
        "api_token.issue",
        "api_token",
        token.id,
        actor_id=actor.id,
        bureau_id=bureau_id,
        new={"name": token.name, "prefix": token.prefix, "bureau_id": bureau_id},
    )
    event(
        "api",
        "API token %s issued (%s)",
        token.id,
        token.prefix,
        token_id=token.id,
        bureau_id=bureau_id,
        actor_id=actor.id,
    )
    return token, raw


def revoke(token: ApiToken, actor: User) -> None:
    """Revoke a token for good (revoking twice changes nothing)."""
    if actor.role != CITY_ADMIN:
        raise TokenError("只有市局管理员可以吊销接口令牌。", 403)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        audit.write(
            "api_token.revoke", "api_token", token.id, actor_id=actor.id, bureau_id=token.bureau_id
        )
        event("api", "API token %s revoked", token.id, token_id=token.id, actor_id=actor.id)


def authenticate(raw: str | None) -> ApiToken | None:
    """The live token with this value, or None (unknown or revoked)."""
    if not raw:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(raw)))
    if token is None or token.revoked_at is not None:
        return None
    return token


#: wrong tokens per client address before the address is refused for a while
FAILURE_LIMIT, FAILURE_WINDOW = 20, 15 * 60


def authenticate_request(raw: str, address: str, path: str) -> ApiToken:
    """The live token of an API call, audited; wrong tokens count against the address.

    Raises ``Throttled`` (429) after too many wrong tokens from the address, ``TokenRefused``
    (401) for an unknown or revoked token.
    """
    key = f"api-token:addr:{address}"
    throttle.check(key, FAILURE_LIMIT, FAILURE_WINDOW, "令牌错误次数过多，请稍后再试。")
    token = authenticate(raw)
    if token is None:
        throttle.note(key)
        event("api", "API call with an unknown or revoked token refused", route=path)
        raise TokenRefused("令牌无效或已吊销", 401)
    audit.write(
        "api_token.use",
        "api_token",
        token.id,
        bureau_id=token.bureau_id,
        reason=f"{path}（地址 {address}）",
    )
    return token


def all_tokens() -> list[ApiToken]:
    """Every token ever issued, newest first."""
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc())))
