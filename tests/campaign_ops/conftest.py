"""Fixtures of the campaign-operations tests."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from lianbing.accounts.models import Bureau, User
from lianbing.cli import load_campaign_demo
from lianbing.dbtypes import local_to_utc
from lianbing.extensions import db


@pytest.fixture
def ops_demo(demo_people):
    """The full demo campaign (calendar, bulletins, drills, column, evaluation)."""
    campaign = load_campaign_demo()
    db.session.commit()
    return campaign


@pytest.fixture
def bureau():
    """bureau("441402") -> Bureau."""
    return lambda code: db.session.scalar(select(Bureau).where(Bureau.code == code))


@pytest.fixture
def user():
    """user("officer_441402_1") -> User."""
    return lambda username: db.session.scalar(select(User).where(User.username == username))


def local(*args) -> datetime:
    """An aware UTC datetime from a Shanghai wall-clock time."""
    return local_to_utc(datetime(*args))
