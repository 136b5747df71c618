"""Bureaus, users and login failures."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from lianbing.dbtypes import UTCDateTime, utcnow
from lianbing.extensions import db

LEVEL_CITY = "city"
LEVEL_COUNTY = "county"


class Bureau(db.Model):
    __tablename__ = "bureaus"
    __table_args__ = (CheckConstraint("level IN ('city', 'county')", name="level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    short_name: Mapped[str] = mapped_column(String(30))
    #: statistical division code (统计用区划代码), six digits
    code: Mapped[str] = mapped_column(String(12), unique=True)
    level: Mapped[str] = mapped_column(String(10))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"))

    parent: Mapped["Bureau | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Bureau"]] = relationship(back_populates="parent", order_by="Bureau.code")

    @property
    def is_city(self) -> bool:
        return self.level == LEVEL_CITY

    def __repr__(self) -> str:
        return f"<Bureau {self.code} {self.short_name}>"


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


class LoginFailure(db.Model):
    """One failed login, counted per username to lock out guessing across workers."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_username_at", "username", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<LoginFailure {self.username} {self.at}>"
