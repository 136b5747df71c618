"""Row helpers shared by the sub-packages."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from lianbing.host import db


def insert_once(row) -> bool:
    """Insert a row guarded by a unique constraint; False if a concurrent request won."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return False
    return True
