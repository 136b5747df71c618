"""Queue notices, deliver them, and the notification centre's reads and settings.

Services flush, never commit; ``flask notify run`` commits (after every batch it sends, so a
crash never re-sends what already went out).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, Iterator

from sqlalchemy import Table, func, insert, select, update

from lianbing.accounts.models import User
from lianbing.dbtypes import UTCDateTime, to_local
from lianbing.errors import Forbidden, Invalid, NotFound
from lianbing.extensions import db
from lianbing.notify.models import (
    EMAIL,
    PENDING,
    ROBOT_KINDS,
    Delivery,
    Notification,
    NotifyPrefs,
    Robot,
)
from lianbing.parts import Notice

CHUNK = 1000
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --- queueing ----------------------------------------------------------------


def enqueue(notices: Iterable[Notice], now: datetime) -> list[dict]:
    """Store the notices nobody has had yet; returns the new rows (as dicts)."""
    by_key: dict[str, dict[int, Notice]] = {}
    for n in notices:
        by_key.setdefault(n.event_key, {}).setdefault(n.user_id, n)
    existing: set[tuple[int, str]] = set()
    for keys in _chunks(list(by_key)):
        existing.update(
            tuple(row)
            for row in db.session.execute(
                select(Notification.user_id, Notification.event_key).where(
                    Notification.event_key.in_(keys)
                )
            )
        )
    rows = [
        {
            "user_id": n.user_id,
            "event_key": n.event_key,
            "title": n.title[:200],
            "body": n.body,
            "link": n.link[:300],
            "created_at": now,
        }
        for key, people in by_key.items()
        for n in people.values()
        if (n.user_id, key) not in existing
    ]
    insert_rows(Notification.__table__, rows)
    return rows


def insert_rows(table: Table, rows: list[dict]) -> None:
    """Store many rows of the same keys: COPY on PostgreSQL (one stream instead of a
    message per row), executemany per 1,000 rows elsewhere."""
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        for part in _chunks(rows):
            db.session.execute(insert(table), part)
        return
    columns = list(rows[0])
    types = [table.c[name].type for name in columns]
    sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    with connection.connection.driver_connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([_bound(t, row[c], connection) for t, c in zip(types, columns)])


def _bound(column_type, value, connection):
    """The value as the column's type stores it (UTC datetimes lose their offset)."""
    if isinstance(column_type, UTCDateTime):
        return column_type.process_bind_param(value, connection.dialect)
    return value


def queue_deliveries(rows: list[dict], now: datetime, base_url: str = "") -> int:
    """Outbox rows for new notifications: e-mail (immediate subscribers) and bureau robots."""
    people = _people({r["user_id"] for r in rows})
    prefs = _prefs(set(people))
    out = []
    robot_events: dict[tuple[int, str], dict] = {}
    robots = _robots_by_bureau()
    for r in rows:
        email, bureau_id = people.get(r["user_id"], (None, None))
        email_on, digest = prefs.get(r["user_id"], (True, False))
        body = _text(r, base_url)
        if email and email_on and not digest:
            out.append(
                _delivery(
                    EMAIL,
                    now,
                    r["event_key"],
                    r["title"],
                    body,
                    user_id=r["user_id"],
                    recipient=email,
                )
            )
        for robot in robots.get(bureau_id, []):
            robot_events.setdefault(
                (robot.id, r["event_key"]),
                _delivery(robot.kind, now, r["event_key"], r["title"], body, robot_id=robot.id),
            )
    out += _new_robot_rows(robot_events)
    insert_rows(Delivery.__table__, out)
    return len(out)


def _delivery(channel: str, now: datetime, key: str, subject: str, body: str, **who) -> dict:
    return {
        "channel": channel,
        "user_id": who.get("user_id"),
        "robot_id": who.get("robot_id"),
        "event_key": key,
        "recipient": who.get("recipient", ""),
        "subject": subject,
        "body": body,
        "status": PENDING,
        "attempts": 0,
        "next_try_at": now,
        "last_error": "",
        "created_at": now,
    }


def _text(row: dict, base_url: str) -> str:
    link = f"\n\n{base_url}{row['link']}" if row["link"] else ""
    return f"{row['body']}{link}"


def _people(user_ids: set[int]) -> dict[int, tuple[str | None, int]]:
    found = {}
    for ids in _chunks(sorted(user_ids)):
        for uid, email, bureau_id in db.session.execute(
            select(User.id, User.email, User.bureau_id).where(User.id.in_(ids))
        ):
            found[uid] = (email, bureau_id)
    return found


def _prefs(user_ids: set[int]) -> dict[int, tuple[bool, bool]]:
    found = {}
    for ids in _chunks(sorted(user_ids)):
        for uid, email_on, digest in db.session.execute(
            select(NotifyPrefs.user_id, NotifyPrefs.email_on, NotifyPrefs.digest).where(
                NotifyPrefs.user_id.in_(ids)
            )
        ):
            found[uid] = (email_on, digest)
    return found


def _robots_by_bureau() -> dict[int, list[Robot]]:
    robots: dict[int, list[Robot]] = {}
    for robot in db.session.scalars(select(Robot).where(Robot.active.is_(True))):
        robots.setdefault(robot.bureau_id, []).append(robot)
    return robots


def _new_robot_rows(events: dict[tuple[int, str], dict]) -> list[dict]:
    """Robot messages not yet queued (a bureau's group hears of an event once)."""
    if not events:
        return []
    keys = sorted({k for _, k in events})
    seen: set[tuple[int, str]] = set()
    for part in _chunks(keys):
        seen.update(
            tuple(row)
            for row in db.session.execute(
                select(Delivery.robot_id, Delivery.event_key).where(
                    Delivery.robot_id.is_not(None), Delivery.event_key.in_(part)
                )
            )
        )
    return [row for key, row in events.items() if key not in seen]


def queue_digests(now: datetime, hour: int) -> int:
    """Once a day from ``hour`` (local time): one e-mail per digest subscriber with news."""
    local = to_local(now)
    if local.hour < hour:
        return 0
    key = f"digest:{local:%Y-%m-%d}"
    rows = db.session.execute(
        select(User.id, User.email)
        .join(NotifyPrefs, NotifyPrefs.user_id == User.id)
        .where(NotifyPrefs.digest.is_(True), NotifyPrefs.email_on.is_(True))
        .where(User.email.is_not(None), User.is_active_.is_(True))
    ).all()
    out = []
    for uid, email in rows:
        if db.session.scalar(
            select(Delivery.id).where(Delivery.user_id == uid, Delivery.event_key == key)
        ):
            continue
        news = db.session.scalars(
            select(Notification.title)
            .where(Notification.user_id == uid, Notification.created_at >= now - timedelta(days=1))
            .order_by(Notification.id)
        ).all()
        if news:
            body = "\n".join(f"- {t}" for t in news)
            out.append(
                _delivery(
                    EMAIL,
                    now,
                    key,
                    f"练兵每日提醒（{len(news)} 条）",
                    body,
                    user_id=uid,
                    recipient=email,
                )
            )
    insert_rows(Delivery.__table__, out)
    return len(out)


# --- the notification centre ---------------------------------------------------


def unread_count(user_id: int) -> int:
    """The bell's number: one COUNT over the (user_id, read_at) index."""
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user_id, Notification.read_at.is_(None)
        )
    )


def listing(user_id: int):
    """The person's notifications, newest first (a select for pagination)."""
    return (
        select(Notification).where(Notification.user_id == user_id).order_by(Notification.id.desc())
    )


def get_own(user_id: int, notification_id: int) -> Notification:
    row = db.session.get(Notification, notification_id)
    if row is None:
        raise NotFound("没有这条通知。")
    if row.user_id != user_id:
        raise Forbidden("这不是您的通知。")
    return row


def mark_read(row: Notification, now: datetime) -> None:
    if row.read_at is None:
        row.read_at = now
        db.session.flush()


def mark_all_read(user_id: int, now: datetime) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=now)
    )
    return result.rowcount or 0


# --- preferences and robots ----------------------------------------------------


@dataclass(frozen=True)
class PrefsData:
    email: str
    email_on: bool
    digest: bool


def prefs_for(user_id: int) -> NotifyPrefs:
    return db.session.get(NotifyPrefs, user_id) or NotifyPrefs(
        user_id=user_id, email_on=True, digest=False
    )


def save_prefs(user: User, data: PrefsData) -> None:
    email = data.email.strip()
    if email and not EMAIL_RE.match(email):
        raise Invalid(f"电子邮箱 {email} 格式不正确。")
    user.email = email or None
    prefs = prefs_for(user.id)
    prefs.email_on, prefs.digest = data.email_on, data.digest
    db.session.add(prefs)
    db.session.flush()


@dataclass(frozen=True)
class RobotData:
    bureau_id: int
    kind: str
    url: str


def add_robot(data: RobotData) -> Robot:
    url = data.url.strip()
    if data.kind not in ROBOT_KINDS:
        raise Invalid("请选择机器人类型。")
    if not url.startswith(("https://", "http://")):
        raise Invalid("机器人地址应以 https:// 开头。")
    robot = Robot(bureau_id=data.bureau_id, kind=data.kind, url=url, active=True)
    db.session.add(robot)
    db.session.flush()
    return robot


def toggle_robot(robot_id: int) -> Robot:
    robot = db.session.get(Robot, robot_id)
    if robot is None:
        raise NotFound("没有这个机器人。")
    robot.active = not robot.active
    db.session.flush()
    return robot


def all_robots() -> list[Robot]:
    return list(db.session.scalars(select(Robot).order_by(Robot.bureau_id, Robot.id)))


def get_delivery(delivery_id: int) -> Delivery:
    row = db.session.get(Delivery, delivery_id)
    if row is None:
        raise NotFound("没有这条发送记录。")
    return row
