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
from lianbing.notify.services import id_column


@dataclass(frozen=True)
class Retry:
    """Sending policy. Backoff: the n-th failure waits base × 2^(n-1) seconds; after
    max_attempts the delivery is failed for good."""

    base_seconds: int = 60
    max_attempts: int = 6
    #: identical e-mails (same event) share one SMTP transaction with up to this many recipients
    recipients_per_mail: int = 1000
    #: how long a run holds the deliveries it is sending (a run that died leaves them due
    #: again after this)
    claim_seconds: int = 900

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
    """Send every delivery due at ``now``; returns counts of sent and failed.

    Each batch is claimed before it is sent (its rows fall due again only when the claim
    runs out, so a run going on at the same moment passes them by); ``checkpoint`` commits
    the claim, then each batch's marks together with the next batch's claim.
    """
    counts: Counter = Counter()
    wire = _Wire(config)
    until = now + timedelta(seconds=retry.claim_seconds)
    try:
        rows = _claim(now, until, batch)
        while rows:
            if checkpoint:
                checkpoint()
            _send_batch(rows, wire, now, retry, counts, retry.recipients_per_mail)
            rows = _claim(now, until, batch)
        if checkpoint:
            checkpoint()
    finally:
        wire.mailer.close()
    return counts


def _claim(now: datetime, until: datetime, batch: int) -> list:
    """Take up to ``batch`` due deliveries until ``until``; returns them in id order.

    The UPDATE re-checks that each row is still pending and due, so of two runs only one
    takes a row; on PostgreSQL rows another run holds are skipped rather than waited for.
    A row that fails is due again only after its backoff, and is failed for good after
    ``max_attempts``: the loop ends.
    """
    t = Delivery.__table__
    due = (t.c.status == PENDING) & (t.c.next_try_at <= now)
    ids = select(t.c.id).where(due).limit(batch).with_for_update(skip_locked=True)
    stmt = (
        update(t)
        .where(t.c.id.in_(ids.scalar_subquery()), due)
        .values(next_try_at=until)
        .returning(
            t.c.id, t.c.channel, t.c.robot_id, t.c.recipient, t.c.subject, t.c.body, t.c.attempts
        )
    )
    return sorted(db.session.execute(stmt).all(), key=lambda row: row.id)


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
    if sent:
        t = Delivery.__table__
        db.session.execute(
            update(t)
            .where(t.c.id.in_(select(id_column(sent))))
            .values(status=SENT, sent_at=now, attempts=t.c.attempts + 1, last_error="")
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
