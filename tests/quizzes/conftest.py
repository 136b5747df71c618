"""Fixtures of the quizzes tests: the corpora folder, a bank, a logged-in trainer."""

from pathlib import Path

import pytest

from lianbing.extensions import db
from quizzes import services

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"


@pytest.fixture
def corpora():
    """The shared real-world sample files; skipped when the folder is absent."""
    if not CORPORA.is_dir():
        pytest.skip(f"sample files not found at {CORPORA} (../shared/corpora)")
    return CORPORA


@pytest.fixture
def bank(app):
    b = services.create_bank("测试题库")
    db.session.commit()
    return b


@pytest.fixture
def trainer(demo_people, auth):
    auth.login("trainer")
    return auth
