"""``flask jobs worker``: an RQ worker for this app's queue (``make run`` starts one when
REDIS_URL is set)."""

from __future__ import annotations

import os

import click
from flask.cli import AppGroup

from lianbing.counters.services import redis_client
from lianbing.extensions import db
from lianbing.jobs import queue

jobs_cli = AppGroup("jobs", help="后台任务：运行 RQ worker")


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
