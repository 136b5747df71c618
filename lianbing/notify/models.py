"""Notifications, per-user preferences, bureau robots and the delivery outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lianbing.dbtypes import UTCDateTime, utcnow
from lianbing.extensions import db

PENDING, SENT, FAILED = "pending", "sent", "failed"
EMAIL, WECOM, DINGTALK = "email", "wecom", "dingtalk"
ROBOT_KINDS = {WECOM: "企业微信群机器人", DINGTALK: "钉钉群机器人"}
CHANNEL_LABELS = {EMAIL: "电子邮件", **ROBOT_KINDS}


class Notification(db.Model):
    """One event as one person sees it in the notification centre."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "event_key", name="uq_notifications_user_event"),
        Index("ix_notifications_user_read", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event_key: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NotifyPrefs(db.Model):
    """A person's channels: in-app is always on; e-mail on or off, immediate or a daily digest."""

    __tablename__ = "notify_prefs"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    email_on: Mapped[bool] = mapped_column(default=True)
    digest: Mapped[bool] = mapped_column(default=False)


class Robot(db.Model):
    """A bureau's group robot (企业微信 or 钉钉) that receives the bureau's notices."""

    __tablename__ = "notify_robots"
    __table_args__ = (CheckConstraint("kind IN ('wecom', 'dingtalk')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    url: Mapped[str] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(default=True)


class Delivery(db.Model):
    """One message to send on one channel: an e-mail to a person or a post to a robot."""

    __tablename__ = "notify_deliveries"
    __table_args__ = (
        UniqueConstraint("user_id", "event_key", name="uq_notify_deliveries_user_event"),
        UniqueConstraint("robot_id", "event_key", name="uq_notify_deliveries_robot_event"),
        CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status"),
        Index("ix_notify_deliveries_due", "status", "next_try_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    robot_id: Mapped[int | None] = mapped_column(ForeignKey("notify_robots.id", ondelete="CASCADE"))
    event_key: Mapped[str] = mapped_column(String(120))
    #: the e-mail address, fixed when queued
    recipient: Mapped[str] = mapped_column(String(500), default="")
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
