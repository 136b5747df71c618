"""Fixtures of the campaign tests (the campaign itself and its operations)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lianbing.accounts.models import Bureau, User
from lianbing.extensions import db


@pytest.fixture
def bureau():
    """bureau("441402") -> Bureau."""
    return lambda code: db.session.scalar(select(Bureau).where(Bureau.code == code))


@pytest.fixture
def user():
    """user("officer_441402_1") -> User."""
    return lambda username: db.session.scalar(select(User).where(User.username == username))
