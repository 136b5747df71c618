"""One row per named counter (a cache version such as ``auth:42``, or a rate window)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from lianbing.dbtypes import UTCDateTime, utcnow
from lianbing.extensions import db


class Counter(db.Model):
    """A named integer, advanced by an atomic upsert; ``updated_at`` lets old windows be swept."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<Counter {self.name}={self.value}>"
