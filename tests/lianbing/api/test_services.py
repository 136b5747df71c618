"""API tokens, without HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lianbing.api import tokens
from lianbing.api.models import ApiToken
from lianbing.extensions import db


def test_tokens_are_stored_hashed_and_can_be_revoked(people, audits):
    token, raw = tokens.issue("省平台", None, people["city_admin"])
    assert raw not in {t.token_hash for t in db.session.scalars(select(ApiToken))}
    assert tokens.authenticate(raw) is token
    tokens.revoke(token, people["city_admin"])
    assert tokens.authenticate(raw) is None
    assert audits("api_token.issue") == 1 and audits("api_token.revoke") == 1
    with pytest.raises(tokens.TokenError):
        tokens.issue("x", None, people["admin_441402"])
