"""Running a job: in an RQ worker (``perform``), or inline inside the request that starts it.

Either way the work and its result commit together: a worker commits "running" first, then the
work, the stored result and "done" in one transaction (on any error it rolls that back and
commits "failed" with the reason); inline, the work runs in a savepoint of the request's
transaction and a failure rolls back to it. Nothing is half-exported and an import stays all
or nothing.
"""

from __future__ import annotations

import logging

from flask import has_app_context

from lianbing.dbtypes import utcnow
from lianbing.errors import Forbidden, Refused
from lianbing.extensions import db
from lianbing.files.services import store_bytes
from lianbing.jobs import kinds, queue
from lianbing.jobs.models import DONE, FAILED, QUEUED, RESULT_FILE, RUNNING, Job

log = logging.getLogger("lianbing.jobs")
INTERNAL = "任务执行时发生内部错误（已记录日志），请重试；如仍失败请联系系统管理员。"
TIMEOUT = (
    "任务运行时间超过上限（JOBS_TIMEOUT）被中止，未保存任何结果；可稍后重试或请管理员调高上限。"
)


def perform(job_id: int) -> str:
    """The RQ entry point: run one queued job in this worker's app (made here if none)."""
    if has_app_context():
        return _perform(job_id)
    from lianbing import create_app

    with create_app().app_context():
        return _perform(job_id)


def _perform(job_id: int) -> str:
    job = db.session.get(Job, job_id)
    if job is None or job.status != QUEUED:  # gone, or already taken (a duplicate delivery)
        db.session.rollback()
        return "skipped"
    _mark_running(job)
    db.session.commit()
    try:
        _execute(job)
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        _mark_failed(db.session.get(Job, job_id), exc)
        db.session.commit()
    finally:
        queue.forget_progress(job_id)
    return job.status


def run_inline(job: Job) -> None:
    """Run the job now, inside the caller's transaction (no REDIS_URL)."""
    _mark_running(job)
    db.session.flush()
    try:
        with db.session.begin_nested():
            _execute(job)
    except Exception as exc:
        _mark_failed(job, exc)
    db.session.flush()


def _mark_running(job: Job) -> None:
    job.status, job.started_at = RUNNING, utcnow()
    job.attempts = (job.attempts or 0) + 1
    log.info("job %s (%s) started, attempt %s", job.id, job.kind, job.attempts)


def _execute(job: Job) -> None:
    kind, owner = kinds.get(job.kind), job.owner
    if kind is None:
        raise Forbidden("此类任务已停用。")
    if owner is not None and (not owner.is_active or owner.role not in kind.roles):
        raise Forbidden("发起人已无权执行此任务。")
    out = kind.run(kinds.Context(job, owner, _reporter(job)))
    if isinstance(out, kinds.Output):
        stored = store_bytes(out.filename, out.data, owner_kind=RESULT_FILE, user_id=job.owner_id)
        job.result_file_id, job.summary = stored.id, out.summary
    elif isinstance(out, str):
        job.summary = out
    job.status, job.finished_at, job.error = DONE, utcnow(), ""
    job.progress_done = max(job.progress_done or 0, job.progress_total or 0)
    log.info("job %s (%s) done", job.id, job.kind)


def _reporter(job: Job):
    def report(done: int, total: int, stage: str) -> None:
        job.progress_done, job.progress_total, job.stage = done, total, stage[:100]
        queue.write_progress(job.id, done, total, stage)

    return report


def _mark_failed(job: Job, exc: Exception) -> None:
    if isinstance(exc, Refused):
        reason = str(exc)
        log.warning("job %s (%s) failed: %s", job.id, job.kind, reason)
    elif type(exc).__name__ == "JobTimeoutException":  # RQ's, raised in the job by its alarm
        reason = TIMEOUT
        log.error("job %s (%s) timed out", job.id, job.kind)
    else:
        reason = INTERNAL
        log.error("job %s (%s) failed", job.id, job.kind, exc_info=exc)
    job.status, job.error, job.finished_at = FAILED, reason, utcnow()
