"""The API's tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lianbing.dbtypes import UTCDateTime, utcnow
from lianbing.extensions import db


class ApiToken(db.Model):
    """A read-only API token issued by the city; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the first characters, shown so people can tell tokens apart
    prefix: Mapped[str] = mapped_column(String(12))
    #: when set, the token sees only this bureau's data
    bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def __repr__(self) -> str:
        return f"<ApiToken {self.prefix}… b{self.bureau_id}>"
