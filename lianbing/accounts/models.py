"""Bureaus, users, their sessions, and the failures the throttle counts."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    event,
    false,
    func,
    literal,
    select,
)
from sqlalchemy.orm import Mapped, attributes, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from lianbing.dbtypes import UTCDateTime, utcnow
from lianbing.extensions import db

LEVEL_PROVINCE = "province"
LEVEL_CITY = "city"
LEVEL_COUNTY = "county"
#: the levels of the bureau tree, from the top
LEVELS = (LEVEL_PROVINCE, LEVEL_CITY, LEVEL_COUNTY)
#: a scope's name in a rank column ("全市排名"), by the scope bureau's level
SCOPE_WORDS = {LEVEL_PROVINCE: "全省", LEVEL_CITY: "全市", LEVEL_COUNTY: "全县", None: "总"}


class Bureau(db.Model):
    __tablename__ = "bureaus"
    __table_args__ = (
        CheckConstraint("level IN ('province', 'city', 'county')", name="level"),
        Index("ix_bureaus_path", "path", postgresql_ops={"path": "text_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    short_name: Mapped[str] = mapped_column(String(30))
    #: statistical division code (统计用区划代码), six digits
    code: Mapped[str] = mapped_column(String(12), unique=True)
    level: Mapped[str] = mapped_column(String(10))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"))
    #: materialized path of ids from the root, "/3/17/" (filled on insert, see
    #: ``_fill_path``): "everyone under bureau X" is one indexed ``path LIKE '/3/%'``
    path: Mapped[str] = mapped_column(String(200), default="", server_default="")

    parent: Mapped["Bureau | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Bureau"]] = relationship(back_populates="parent", order_by="Bureau.code")

    @property
    def is_city(self) -> bool:
        return self.level == LEVEL_CITY

    def is_under(self, other: "Bureau") -> bool:
        """Whether this bureau is ``other`` or lies below it in the tree."""
        return self.path.startswith(other.path)

    def subtree(self):
        """A select of the ids of this bureau and every bureau below it (one indexed LIKE)."""
        return select(Bureau.id).where(Bureau.path.like(f"{self.path}%"))

    def subtree_ids(self) -> frozenset[int]:
        """The ids of this bureau and every bureau below it (a county, the lowest level: itself,
        without a query)."""
        if self.level == LEVEL_COUNTY:
            return frozenset((self.id,))
        return frozenset(db.session.scalars(self.subtree()))

    def covers(self, bureau_id: int) -> bool:
        """Whether the bureau with this id is this one or lies below it."""
        if bureau_id == self.id:
            return True
        other = db.session.get(Bureau, bureau_id)
        return other is not None and other.is_under(self)

    def __repr__(self) -> str:
        return f"<Bureau {self.code} {self.short_name}>"


def _parent_path(connection, parent_id: int | None) -> str:
    table = Bureau.__table__
    if parent_id is None:
        return "/"
    return connection.scalar(select(table.c.path).where(table.c.id == parent_id))


@event.listens_for(Bureau, "after_insert")
def _fill_path(mapper, connection, target: Bureau) -> None:
    """A new bureau's path is its parent's plus its own id (the id exists only now)."""
    path = f"{_parent_path(connection, target.parent_id)}{target.id}/"
    table = Bureau.__table__
    connection.execute(table.update().where(table.c.id == target.id).values(path=path))
    attributes.set_committed_value(target, "path", path)


@event.listens_for(Bureau, "after_update")
def _move_subtree(mapper, connection, target: Bureau) -> None:
    """A bureau given another parent takes its whole subtree along (one UPDATE)."""
    if not attributes.get_history(target, "parent_id").has_changes():
        return
    old, table = target.path, Bureau.__table__
    new = f"{_parent_path(connection, target.parent_id)}{target.id}/"
    connection.execute(
        table.update()
        .where(table.c.path.like(f"{old}%"))
        .values(path=literal(new) + func.substr(table.c.path, len(old) + 1, type_=String))
    )
    attributes.set_committed_value(target, "path", new)


#: specialties of the backbone pool (执法骨干), key → label
BACKBONE_SPECIALTIES = {"review": "案卷评查", "inspection": "现场检查", "legal": "法制审核"}


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('officer', 'trainer', 'bureau_admin', 'city_admin')", name="role"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), index=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"), index=True)
    #: enforcement certificate number (执法证号); unique when present
    cert_no: Mapped[str | None] = mapped_column(String(30), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    #: where e-mail notifications go (set on the notification settings page)
    email: Mapped[str | None] = mapped_column(String(120))
    is_active_: Mapped[bool] = mapped_column("is_active", default=True)
    #: 执法骨干: the specialties (BACKBONE_SPECIALTIES keys, comma-separated); None when the
    #: officer is not in the backbone pool
    backbone: Mapped[str | None] = mapped_column(String(60))
    #: set by an admin's creation, an import or a reset: change the password before anything else
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    bureau: Mapped[Bureau] = relationship()

    @property
    def backbone_specialties(self) -> list[str]:
        """The officer's backbone specialties (empty when not in the pool)."""
        return [k for k in (self.backbone or "").split(",") if k]

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.is_active_

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(
            password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        )

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class UserSession(db.Model):
    """One login: the browser's cookie holds the raw id, the table holds its SHA-256 only.

    Deleting the row ends the session, whatever copies of the cookie exist.
    """

    __tablename__ = "user_sessions"

    #: SHA-256 (hex) of the random id kept in the signed session cookie
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    def __repr__(self) -> str:
        return f"<UserSession user {self.user_id} since {self.created_at}>"


class ThrottleHit(db.Model):
    """One counted event (a failed login, a wrong code, a rate-limited call) under a key.

    Kept in the database so that every worker sees the same counts.
    """

    __tablename__ = "throttle_hits"
    __table_args__ = (Index("ix_throttle_hits_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<ThrottleHit {self.key} {self.at}>"
