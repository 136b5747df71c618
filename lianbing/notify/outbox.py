"""Sending the outbox: due deliveries in batches, retries with exponential backoff."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select, update

from lianbing.extensions import db
from lianbing.notify.channels import Mailer, SendError, post_robot, robot_payload
from lianbing.notify.models import EMAIL, FAILED, PENDING, SENT, Delivery, Robot


@dataclass(frozen=True)
class Retry:
    """Backoff policy: the n-th failure waits base × 2^(n-1) seconds; after max_attempts, failed."""

    base_seconds: int = 60
    max_attempts: int = 6

    def next_try(self, attempts: int, now: datetime) -> datetime:
        return now + timedelta(seconds=self.base_seconds * 2 ** (attempts - 1))


class _Wire:
    """The channels for one run; a channel that failed once is not knocked on again this run."""

    def __init__(self, config: dict) -> None:
        self.mailer = Mailer(config)
        self.robots = {r.id: r for r in db.session.scalars(select(Robot))}
        self.down: dict[object, str] = {}

    def send(self, row) -> None:
        if row.channel == EMAIL:
            self.mailer.send(row.recipient, row.subject, row.body)
            return
        if row.robot_id in self.down:
            raise SendError(self.down[row.robot_id])
        robot = self.robots[row.robot_id]
        try:
            post_robot(robot.url, robot_payload(robot.kind, row.subject, row.body))
        except SendError as exc:
            self.down[row.robot_id] = str(exc)
            raise


def send_due(
    now: datetime,
    config: dict,
    retry: Retry,
    *,
    batch: int = 1000,
    checkpoint: Callable[[], None] | None = None,
) -> Counter:
    """Send every delivery due at ``now``; returns counts of sent and failed."""
    counts: Counter = Counter()
    wire = _Wire(config)
    last_id = 0
    try:
        while True:
            rows = db.session.execute(
                select(
                    Delivery.id,
                    Delivery.channel,
                    Delivery.robot_id,
                    Delivery.recipient,
                    Delivery.subject,
                    Delivery.body,
                    Delivery.attempts,
                )
                .where(
                    Delivery.status == PENDING, Delivery.next_try_at <= now, Delivery.id > last_id
                )
                .order_by(Delivery.id)
                .limit(batch)
            ).all()
            if not rows:
                break
            last_id = rows[-1].id
            _send_batch(rows, wire, now, retry, counts)
            if checkpoint:
                checkpoint()
    finally:
        wire.mailer.close()
    return counts


def _send_batch(rows, wire: _Wire, now: datetime, retry: Retry, counts: Counter) -> None:
    sent = []
    for row in rows:
        try:
            wire.send(row)
        except SendError as exc:
            _failed(row, str(exc), now, retry)
            counts["failed"] += 1
        else:
            sent.append(row.id)
    if sent:
        db.session.execute(
            update(Delivery)
            .where(Delivery.id.in_(sent))
            .values(status=SENT, sent_at=now, attempts=Delivery.attempts + 1, last_error="")
        )
        counts["sent"] += len(sent)


def _failed(row, error: str, now: datetime, retry: Retry) -> None:
    attempts = row.attempts + 1
    values = {"attempts": attempts, "last_error": error[:1000]}
    if attempts >= retry.max_attempts:
        values["status"] = FAILED
    else:
        values["next_try_at"] = retry.next_try(attempts, now)
    db.session.execute(update(Delivery).where(Delivery.id == row.id).values(**values))


def failures(limit: int = 200) -> list[Delivery]:
    """Deliveries that failed at least once and have not gone out since, newest first."""
    return list(
        db.session.scalars(
            select(Delivery)
            .where(Delivery.status != SENT, Delivery.last_error != "")
            .order_by(Delivery.id.desc())
            .limit(limit)
        )
    )


def retry_now(delivery: Delivery, now: datetime) -> None:
    """Put a delivery back in the queue for the next run (sending stays in the command)."""
    delivery.status = PENDING
    delivery.next_try_at = now
    db.session.flush()
