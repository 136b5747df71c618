"""``flask jobs worker``: an RQ worker for this app's queue (``make run`` starts one when
REDIS_URL is set); ``flask jobs prune``: delete old finished jobs and their files (cron)."""

from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import AppGroup

from lianbing.counters.services import redis_client
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.jobs import queue, retention

jobs_cli = AppGroup("jobs", help="后台任务：运行 RQ worker，清理过期任务")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="处理完队列中的任务后退出")
def worker_command(burst: bool) -> None:
    """Run queued jobs (exports, imports, notification sends) until stopped."""
    if not queue.uses_queue():
        raise click.ClickException("未设置 REDIS_URL：任务在请求中直接执行，无需 worker。")
    from rq import Worker

    engine = db.engine
    # each job runs in a forked work horse: it must open its own database connections
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    Worker([queue.queue()], connection=redis_client()).work(burst=burst, with_scheduler=False)


@jobs_cli.command("prune")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=None,
    help="保留天数（默认 JOBS_KEEP_DAYS；0 表示全部保留）",
)
def prune_command(days: int | None) -> None:
    """Delete jobs that finished more than JOBS_KEEP_DAYS days ago, with their files."""
    keep = current_app.config["JOBS_KEEP_DAYS"] if days is None else days
    if keep == 0:
        click.echo("保留天数为 0：全部任务保留，未删除。")
        return
    pruned = retention.prune(utcnow(), keep)
    db.session.commit()
    click.echo(f"已删除 {pruned.jobs} 个已结束超过 {keep} 天的任务及其 {pruned.files} 个文件。")
