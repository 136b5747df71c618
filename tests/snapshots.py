"""Database states built once per test process and put back by copying their rows.

Loading the demo people, the 2017 operations or the whole ``flask demo`` takes from a second
to many seconds, and hundreds of tests start from one of them. ``load(name, build)`` runs
``build`` the first time a test process meets that state, keeps every row of every table, and
later inserts those rows back in one transaction: the same rows, ids and timestamps, in a
fraction of the time.

A state is named by the path of loads that made it from empty tables on one day
(``2026-11-30/demo_people/campaign``), so fixtures stack: ``campaign`` loaded on top of
``demo_people`` is its own state, kept apart from ``campaign`` on empty tables. The path is
known only while nothing else has written: each test starts unknown (one query finds whether
the tables are empty), and any statement other than a SELECT on the test app's engine makes it
unknown again. On an unknown state ``build`` simply runs, so a test never starts from anything
other than what its fixtures' builds make.

Only the database is copied. What a build leaves elsewhere stays valid: stored files are
content-addressed and never deleted, and caches are emptied before every test. Objects a
test already holds stay usable: a state put back on top of another keeps the rows' ids, and
the session's objects are read again after it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import event, exists, or_, select

from lianbing.extensions import db

_saved: dict[str, list[tuple[object, list[dict]]]] = {}
#: the path of the state the tables are in, or None when unknown
_state: list[str | None] = [None]
_restoring: list[bool] = [False]


def watch(engine) -> None:
    """Forget the state whenever the engine runs anything but a read."""

    @event.listens_for(engine, "before_cursor_execute")
    def _written(conn, cursor, statement, parameters, context, executemany):
        if not _restoring[0] and not statement.lstrip()[:6].upper() == "SELECT":
            _state[0] = None


def forget() -> None:
    """The state is unknown (a new test: something may have written elsewhere)."""
    _state[0] = None


def emptied() -> None:
    """Every table was just emptied."""
    _state[0] = date.today().isoformat()


def load(name: str, build: Callable[[], object]) -> None:
    """Bring the database to the state ``build`` makes on the current one: built, or put
    back from its copy."""
    db.session.commit()  # ends the session's transaction; its objects reload when next read
    base = _current()
    key = f"{base}/{name}" if base else None
    if key in _saved:
        _put_back(_saved[key], empty_first=base.count("/") > 0)
    else:
        build()
        db.session.commit()
        if key:
            _saved[key] = _rows()
    _state[0] = key


def _current() -> str | None:
    if _state[0] is None and tables_empty():
        emptied()
    return _state[0]


def tables_empty() -> bool:
    """Whether no table holds a row (one query)."""
    tables = db.metadata.sorted_tables
    with db.engine.connect() as conn:
        return not conn.scalar(select(or_(*(exists().select_from(t) for t in tables))))


def _rows() -> list[tuple[object, list[dict]]]:
    with db.engine.connect() as conn:
        return [
            (t, [dict(r._mapping) for r in conn.execute(t.select().order_by(*t.primary_key))])
            for t in db.metadata.sorted_tables
        ]


def _put_back(saved: list[tuple[object, list[dict]]], empty_first: bool) -> None:
    """Insert the kept rows, parent tables first and each table's rows in key order, after
    emptying the tables if they hold a state; foreign keys are checked at commit (SQLite) or,
    for a superuser, not at all (PostgreSQL: the rows were consistent when kept)."""
    _restoring[0] = True
    try:
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                if conn.exec_driver_sql("SHOW is_superuser").scalar() == "on":
                    conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            else:
                conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            if empty_first:
                for table in reversed(db.metadata.sorted_tables):
                    conn.execute(table.delete())
            for table, rows in saved:
                if rows:
                    conn.execute(table.insert(), rows)
    finally:
        _restoring[0] = False
