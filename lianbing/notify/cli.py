"""``flask notify run``: collect due notices, queue them, send the outbox. Cron runs it."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Iterable

import click
from flask import current_app
from flask.cli import AppGroup

from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.jobs import queue as job_queue
from lianbing.jobs.services import start as start_job
from lianbing.notify import events, outbox, services
from lianbing.notify.jobs import NOTIFY_RUN
from lianbing.parts import Notice, registry

notify_cli = AppGroup("notify", help="通知：收集到期提醒、入队并发送")


def collect(now: datetime) -> Iterable[Notice]:
    """The host's notices, then each enabled part's."""
    yield from events.host_notices(now)
    for part in registry().parts.values():
        if part.notices is not None:
            yield from part.notices(now)


def link_base(config) -> str:
    """The address prefixed to links in e-mails and robot messages: NOTIFY_BASE_URL, else the
    site's PUBLIC_BASE_URL (a bare path in an e-mail leads nowhere)."""
    return (config.get("NOTIFY_BASE_URL") or config.get("PUBLIC_BASE_URL") or "").rstrip("/")


def run_once(now: datetime, *, send: bool = True) -> Counter:
    """One scheduled run; commits after queueing and after every batch sent."""
    config = current_app.config
    base_url = link_base(config)
    with current_app.test_request_context("/", base_url=base_url or None):
        counts = Counter()
        counts["notices"], counts["queued"] = services.enqueue(collect(now), now, base_url)
        counts["queued"] += services.queue_digests(now, config.get("NOTIFY_DIGEST_HOUR", 7))
    db.session.commit()
    if send:
        retry = outbox.Retry(
            config.get("NOTIFY_RETRY_BASE_SECONDS", 60),
            config.get("NOTIFY_MAX_ATTEMPTS", 6),
            config.get("NOTIFY_RECIPIENTS_PER_MAIL", 1000),
            config.get("NOTIFY_CLAIM_SECONDS", 900),
        )
        counts.update(outbox.send_due(now, config, retry, checkpoint=db.session.commit))
    db.session.commit()
    return counts


@notify_cli.command("run")
@click.option("--no-send", is_flag=True, help="只生成通知并入队，不发送")
@click.option("--enqueue", is_flag=True, help="交给后台任务 worker 执行（需要 REDIS_URL）")
def run_command(no_send: bool, enqueue: bool) -> None:
    """Generate due notifications and send pending e-mails and robot messages (idempotent)."""
    if enqueue:
        _enqueue(no_send)
        return
    counts = run_once(utcnow(), send=not no_send)
    click.echo(
        f"新通知 {counts['notices']} 条，入队 {counts['queued']} 条，"
        f"发送成功 {counts['sent']} 条，失败 {counts['failed']} 条。"
    )


def _enqueue(no_send: bool) -> None:
    """Put the run on the job queue; a worker does it (the job's page shows the counts)."""
    if not job_queue.uses_queue():
        raise click.ClickException(
            "未设置 REDIS_URL：没有后台 worker，请直接运行 flask notify run。"
        )
    job = start_job(NOTIFY_RUN, {"no_send": no_send}, None)
    db.session.commit()
    click.echo(f"已加入后台任务队列：任务 {job.id}（/jobs/{job.id}）。")
