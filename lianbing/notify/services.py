"""Queue notices, deliver them, and the notification centre's reads and settings.

Services flush, never commit; ``flask notify run`` commits (after every batch it sends, so a
crash never re-sends what already went out).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby
from typing import Iterable, Iterator

from sqlalchemy import ARRAY, Integer, Select, Table, and_, case, func, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

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
#
# Every insert is ``INSERT … ON CONFLICT DO NOTHING`` against the (user, event key) and
# (robot, event key) constraints: a notice someone already has, or that a run going on at
# the same moment has just stored, is skipped by the database, so two runs at once still
# give each person each event once. The rows are made by the database itself: one statement
# per event for the notices (the people's ids go in as one parameter) and one INSERT …
# SELECT each for the e-mails and the robot posts of the notices just stored.


def enqueue(notices: Iterable[Notice], now: datetime, base_url: str = "") -> tuple[int, int]:
    """Store the notices nobody has had yet and queue their e-mails and robot posts.

    Returns (new notices, new deliveries). A person hears of an event once (should one
    event key come with different texts, the text first seen is stored first and wins).
    """
    events: dict[tuple[str, str, str, str], set[int]] = {}
    for n in notices:
        content = (n.event_key, n.title[:200], n.body, n.link[:300])
        events.setdefault(content, set()).add(n.user_id)
    stored = sum(_store_event(content, sorted(people), now) for content, people in events.items())
    if not stored:
        return 0, 0
    return stored, _queue_emails(now, base_url) + _queue_robots(now, base_url)


def _insert(table: Table):
    """The dialect's INSERT that skips a row a unique constraint already holds."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table).on_conflict_do_nothing()
    return stmt.execution_options(preserve_rowcount=True)  # the rows stored, not skipped


def id_column(ids: list[int]):
    """The ids as a one-column table from one parameter (an array; a JSON text on SQLite)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.unnest(literal(ids, ARRAY(Integer))).column_valued("value")
    return func.json_each(json.dumps(ids)).table_valued("value").c.value


def _store_event(content: tuple[str, str, str, str], people: list[int], now: datetime) -> int:
    key, title, body, link = content
    stored = 0  # people in id order: two runs at once lock the rows in one order
    for part in _chunks(people, 10 * CHUNK):
        user_id = id_column(part)
        rows = select(
            user_id,
            literal(key),
            literal(title),
            literal(body),
            literal(link),
            literal(now, UTCDateTime),
        ).where(user_id.is_not(None))  # a WHERE: SQLite's upsert after a SELECT needs one
        columns = ["user_id", "event_key", "title", "body", "link", "created_at"]
        stmt = _insert(Notification.__table__).from_select(columns, rows)
        stored += db.session.execute(stmt).rowcount
    return stored


DELIVERY_COLUMNS = [
    "channel",
    "user_id",
    "robot_id",
    "event_key",
    "recipient",
    "subject",
    "body",
    "status",
    "attempts",
    "next_try_at",
    "last_error",
    "created_at",
]


def _text(base_url: str):
    """A delivery's text: the notice's body, then its link as an address."""
    n = Notification
    return n.body + case((n.link != "", literal(f"\n\n{base_url}") + n.link), else_="")


def _outbox_row(now: datetime, channel, user_id, robot_id, recipient, base_url: str) -> Select:
    """A SELECT of delivery rows for the notices stored at ``now`` (add joins and WHEREs)."""
    n, when = Notification, literal(now, UTCDateTime)
    return (
        select(
            channel,
            user_id,
            robot_id,
            n.event_key,
            recipient,
            n.title,
            _text(base_url),
            literal(PENDING),
            literal(0),
            when,
            literal(""),
            when,
        )
        .select_from(n)
        .where(n.created_at == when)
    )


def _queue_emails(now: datetime, base_url: str) -> int:
    """E-mails for the notices just stored, to people with an address who want them now
    (no preferences row means e-mail on, not as a digest)."""
    n, p = Notification, NotifyPrefs
    none = literal(None, Integer)
    rows = (
        _outbox_row(now, literal(EMAIL), n.user_id, none, User.email, base_url)
        .join(User, User.id == n.user_id)
        .outerjoin(p, p.user_id == n.user_id)
        .where(User.email.is_not(None), User.email != "")
        .where(or_(p.user_id.is_(None), and_(p.email_on.is_(True), p.digest.is_(False))))
    )
    stmt = _insert(Delivery.__table__).from_select(DELIVERY_COLUMNS, rows)
    return db.session.execute(stmt).rowcount


def _queue_robots(now: datetime, base_url: str) -> int:
    """One post per event to each active robot of a bureau one of whose people has just had
    its notice (a bureau's group hears of an event once)."""
    n, none = Notification, literal(None, Integer)
    first = (
        select(func.min(n.id))
        .join(User, User.id == n.user_id)
        .where(n.created_at == literal(now, UTCDateTime))
        .group_by(User.bureau_id, n.event_key)
    )
    rows = (
        _outbox_row(now, Robot.kind, none, Robot.id, literal(""), base_url)
        .join(User, User.id == n.user_id)
        .join(Robot, and_(Robot.bureau_id == User.bureau_id, Robot.active.is_(True)))
        .where(n.id.in_(first))
        .order_by(Robot.id, n.event_key)  # two runs at once take the rows' locks in one order
    )
    stmt = _insert(Delivery.__table__).from_select(DELIVERY_COLUMNS, rows)
    return db.session.execute(stmt).rowcount


def queue_digests(now: datetime, hour: int) -> int:
    """Once a day from ``hour`` (local time): one e-mail per digest subscriber with news (one
    query for every subscriber's news of the day, one insert)."""
    local = to_local(now)
    if local.hour < hour:
        return 0
    key = f"digest:{local:%Y-%m-%d}"
    out = [
        _delivery(
            EMAIL,
            now,
            key,
            f"练兵每日提醒（{len(titles)} 条）",
            "\n".join(f"- {t}" for t in titles),
            user_id=uid,
            recipient=email,
        )
        for (uid, email), titles in _digest_news(now, key)
    ]
    if out:  # a run at the same moment may have queued one first: it is skipped
        db.session.execute(_insert(Delivery.__table__), out)
    return len(out)


def _digest_news(now: datetime, key: str) -> Iterator[tuple[tuple[int, str], list[str]]]:
    """((user id, address), titles of the day's notices in order) of each active digest
    subscriber with an address, news and no digest ``key`` queued yet."""
    n, p = Notification, NotifyPrefs
    queued = select(Delivery.id).where(Delivery.user_id == User.id, Delivery.event_key == key)
    rows = db.session.execute(
        select(User.id, User.email, n.title)
        .join(p, p.user_id == User.id)
        .join(n, n.user_id == User.id)
        .where(p.digest.is_(True), p.email_on.is_(True))
        .where(User.email.is_not(None), User.is_active_.is_(True))
        .where(n.created_at >= now - timedelta(days=1), ~queued.exists())
        .order_by(User.id, n.id)
    )
    for who, group in groupby(rows, key=lambda row: (row[0], row[1])):
        yield who, [row[2] for row in group]


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
