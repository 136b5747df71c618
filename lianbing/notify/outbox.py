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
    """Sending policy. Backoff: the n-th failure waits base × 2^(n-1) seconds; after
    max_attempts the delivery is failed for good."""

    base_seconds: int = 60
    max_attempts: int = 6
    #: identical e-mails (same event) share one SMTP transaction with up to this many recipients
    recipients_per_mail: int = 50

    def next_try(self, attempts: int, now: datetime) -> datetime:
        return now + timedelta(seconds=self.base_seconds * 2 ** (attempts - 1))


class _Wire:
    """The channels for one run; a channel that failed once is not knocked on again this run."""

    def __init__(self, config: dict) -> None:
        self.mailer = Mailer(config)
        self.robots = {r.id: r for r in db.session.scalars(select(Robot))}
        self.down: dict[object, str] = {}

    def mail(self, rows: list) -> dict[int, str]:
        """One message to the rows' addresses (they share subject and body): failures by id."""
        try:
            refused = self.mailer.send([r.recipient for r in rows], rows[0].subject, rows[0].body)
        except SendError as exc:
            return {r.id: str(exc) for r in rows}
        return {r.id: refused[r.recipient] for r in rows if r.recipient in refused}

    def post(self, row) -> str | None:
        """Post one robot message; the reason when it failed."""
        if row.robot_id in self.down:
            return self.down[row.robot_id]
        robot = self.robots[row.robot_id]
        try:
            post_robot(robot.url, robot_payload(robot.kind, row.subject, row.body))
        except SendError as exc:
            self.down[row.robot_id] = str(exc)
            return str(exc)
        return None


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
            _send_batch(rows, wire, now, retry, counts, retry.recipients_per_mail)
            if checkpoint:
                checkpoint()
    finally:
        wire.mailer.close()
    return counts


def _send_batch(
    rows, wire: _Wire, now: datetime, retry: Retry, counts: Counter, per_mail: int
) -> None:
    errors: dict[int, str] = {}
    groups: dict[tuple[str, str], list] = {}
    for row in rows:
        if row.channel == EMAIL:
            groups.setdefault((row.subject, row.body), []).append(row)
        elif (error := wire.post(row)) is not None:
            errors[row.id] = error
    for group in groups.values():
        for i in range(0, len(group), per_mail):
            errors.update(wire.mail(group[i : i + per_mail]))
    for row in rows:
        if row.id in errors:
            _failed(row, errors[row.id], now, retry)
    sent = [row.id for row in rows if row.id not in errors]
    for i in range(0, len(sent), 1000):
        db.session.execute(
            update(Delivery)
            .where(Delivery.id.in_(sent[i : i + 1000]))
            .values(status=SENT, sent_at=now, attempts=Delivery.attempts + 1, last_error="")
        )
    counts["sent"] += len(sent)
    counts["failed"] += len(errors)


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
