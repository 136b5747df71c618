"""Starting, retrying and reading jobs; who may see one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lianbing.auth import BUREAU_ADMIN, CITY_ADMIN
from lianbing.errors import Conflict, Forbidden, Invalid, NotFound
from lianbing.extensions import db
from lianbing.jobs import kinds, queue, runner
from lianbing.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job

LIST_SIZE = 50


def start(kind: str, params: dict[str, Any], user) -> Job:
    """Start a job of ``kind`` for ``user`` (None: the server's own, from the command line):
    queued on RQ (run by a worker once this transaction commits) or, without REDIS_URL, run
    now inside it."""
    found = kinds.get(kind)
    if found is None:
        raise Invalid(f"未知的任务类型：{kind}")
    if user is not None and user.role not in found.roles:
        raise Forbidden("您无权发起此任务。")
    job = Job(
        kind=kind,
        owner_id=user.id if user else None,
        bureau_id=user.bureau_id if user else None,
        params=dict(params),
    )
    db.session.add(job)
    db.session.flush()
    _dispatch(job)
    return job


def retry(job: Job, user) -> Job:
    """Run a failed job again, for its owner, with the same params."""
    if not may_retry(job, user):
        raise Forbidden("只有发起人可以重试此任务。")
    if job.status != FAILED:
        raise Conflict("只有失败的任务可以重试。")
    job.status, job.error, job.summary, job.stage = QUEUED, "", "", ""
    job.progress_done = job.progress_total = 0
    job.started_at = job.finished_at = None
    db.session.flush()
    _dispatch(job)
    return job


def may_retry(job: Job, user) -> bool:
    """The owner; for the server's own jobs, the city's admins."""
    if job.owner_id is None:
        return user.role == CITY_ADMIN
    return job.owner_id == user.id


def _dispatch(job: Job) -> None:
    if queue.uses_queue():
        queue.enqueue_after_commit(job.id)
    else:
        runner.run_inline(job)


def may_view(job: Job, user) -> bool:
    """The owner; the city's admins; a county's admins for jobs started in their bureau —
    and only someone whose role may run this kind of job."""
    kind = kinds.get(job.kind)
    if kind is None or user.role not in kind.roles:
        return False
    if user.role == CITY_ADMIN or (job.owner_id is not None and job.owner_id == user.id):
        return True
    return user.role == BUREAU_ADMIN and job.bureau_id == user.bureau_id


def visible_job(job_id: int, user) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        raise NotFound("任务不存在。")
    if not may_view(job, user):
        raise Forbidden("您无权查看此任务。")
    return job


def jobs_of(user) -> list[Job]:
    """The user's own jobs, newest first."""
    return list(
        db.session.scalars(
            select(Job).where(Job.owner_id == user.id).order_by(Job.id.desc()).limit(LIST_SIZE)
        )
    )


def title_of(job: Job) -> str:
    kind = kinds.get(job.kind)
    return kind.title if kind else job.kind


def progress_of(job: Job) -> tuple[int, int, str]:
    """(done, total, stage): live from Redis while a worker runs it, else from the row."""
    if job.status == RUNNING:
        live = queue.read_progress(job.id)
        if live is not None:
            return live
    return job.progress_done, job.progress_total, job.stage


def percent(job: Job, done: int, total: int) -> int:
    if job.status == DONE:
        return 100
    return min(99, int(100 * done / total)) if total else 0


def state(job: Job) -> dict[str, Any]:
    """What the progress page polls for."""
    done, total, stage = progress_of(job)
    return {
        "id": job.id,
        "status": job.status,
        "status_label": job.status_label,
        "done": done,
        "total": total,
        "stage": stage,
        "percent": percent(job, done, total),
        "finished": job.finished,
        "error": job.error,
        "summary": job.summary,
        "has_file": job.result_file_id is not None,
    }
