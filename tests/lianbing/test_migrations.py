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


def test_existing_city_and_counties_get_their_paths(tmp_path):
    """A city deployment's bureaus keep level and parent and get paths from the tree migration."""
    url = f"sqlite:///{tmp_path / 'city.db'}"
    assert _flask(["db", "upgrade", "0180_county"], url, tmp_path).returncode == 0
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO bureaus (id, name, short_name, code, level, parent_id) VALUES"
                " (5, '梅州市生态环境局', '梅州市', '441400', 'city', NULL),"
                " (9, '梅江分局', '梅江区', '441402', 'county', 5)"
            )
        )
    up = _flask(["db", "upgrade", "0190_scale"], url, tmp_path)
    assert up.returncode == 0, up.stderr[-3000:]
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, level, parent_id, path FROM bureaus ORDER BY id"))
        assert rows.all() == [(5, "city", None, "/5/"), (9, "county", 5, "/5/9/")]
    engine.dispose()
