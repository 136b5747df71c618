"""A notification run as a background job: ``flask notify run --enqueue`` puts the run on the
RQ queue, and a worker collects, queues and sends (the outbox commits per batch, as the command
does: a message sent cannot be unsent, and each delivery is sent once)."""

from __future__ import annotations

from lianbing.auth import CITY_ADMIN
from lianbing.dbtypes import utcnow
from lianbing.jobs.kinds import Context, JobKind

NOTIFY_RUN = "notify.run"


def send_notifications(ctx: Context) -> str:
    from lianbing.notify.cli import run_once

    ctx.progress(0, 1, "收集到期提醒并发送")
    counts = run_once(utcnow(), send=not ctx.params.get("no_send"))
    ctx.progress(1, 1, "发送完毕")
    return (
        f"新通知 {counts['notices']} 条，入队 {counts['queued']} 条，"
        f"发送成功 {counts['sent']} 条，失败 {counts['failed']} 条。"
    )


KINDS = [JobKind(NOTIFY_RUN, "通知提醒发送", (CITY_ADMIN,), send_notifications)]
