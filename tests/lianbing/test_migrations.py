"""`flask db upgrade` on an empty database gives exactly the models (`flask db check` is clean)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]


def _flask(args: list[str], database_url: str, instance: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "LIANBING_INSTANCE": str(instance)}
    env.pop("TEST_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _upgrade_and_check(database_url: str, instance: Path) -> None:
    up = _flask(["db", "upgrade"], database_url, instance)
    assert up.returncode == 0, up.stderr[-3000:]
    check = _flask(["db", "check"], database_url, instance)
    assert check.returncode == 0, check.stdout[-2000:] + check.stderr[-3000:]
    assert "No new upgrade operations detected" in check.stdout + check.stderr


def test_upgrade_on_empty_sqlite(tmp_path):
    _upgrade_and_check(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path)


@pytest.fixture
def empty_postgres():
    """A freshly created PostgreSQL database next to TEST_DATABASE_URL's, dropped afterwards."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("TEST_DATABASE_URL does not point at PostgreSQL")
    base = make_url(url)
    name = f"lianbing_migtest_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_on_empty_postgresql(empty_postgres, tmp_path):
    _upgrade_and_check(empty_postgres, tmp_path)
