"""The RQ side: whether jobs go to Redis, the queue, enqueueing once the job row is committed,
and the live progress kept in Redis (one hash per running job, seen by every machine)."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from lianbing.counters.services import redis_client
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.jobs.models import FAILED, QUEUED, Job

log = logging.getLogger("lianbing.jobs")
_PENDING = "jobs_pending"
#: progress of a job stays readable this long after its last update
PROGRESS_TTL = 24 * 3600
UNAVAILABLE = "任务队列（Redis）暂时不可用，任务未能开始，请稍后重试。"


def uses_queue() -> bool:
    """Jobs go to RQ when REDIS_URL is set (unless JOBS_INLINE); else they run in the request."""
    config = current_app.config
    return bool(config.get("REDIS_URL")) and not config.get("JOBS_INLINE")


def queue():
    from rq import Queue

    name = current_app.config.get("JOBS_QUEUE", "lianbing")
    return Queue(name, connection=redis_client())


def enqueue_after_commit(job_id: int) -> None:
    """Put the job on the queue when the transaction that made its row commits (a worker must
    find the row; a rolled-back request enqueues nothing)."""
    pending = db.session.info.setdefault(_PENDING, {"queue": queue(), "ids": []})
    pending["ids"].append(job_id)
    pending["engine"] = db.engine
    pending["timeout"] = current_app.config.get("JOBS_TIMEOUT", 3600)


@event.listens_for(Session, "after_commit")
def _enqueue(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    from lianbing.jobs.runner import perform

    for job_id in pending["ids"]:
        try:
            pending["queue"].enqueue(
                perform, job_id, job_timeout=pending["timeout"], result_ttl=600, failure_ttl=86400
            )
        except Exception:  # Redis down: the job fails visibly instead of waiting forever
            log.exception("job %s could not be queued", job_id)
            _fail_unqueued(pending["engine"], job_id)


def _fail_unqueued(engine, job_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == QUEUED)
            .values(status=FAILED, error=UNAVAILABLE, finished_at=utcnow())
        )


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _key(job_id: int) -> str:
    return current_app.config.get("REDIS_PREFIX", "lianbing:") + f"job:{job_id}"


def write_progress(job_id: int, done: int, total: int, stage: str) -> None:
    """Publish progress at once (the job's own row commits only with its work)."""
    client = redis_client()
    if client is None:
        return
    key = _key(job_id)
    pipe = client.pipeline()
    pipe.hset(key, mapping={"done": done, "total": total, "stage": stage})
    pipe.expire(key, PROGRESS_TTL)
    pipe.execute()


def read_progress(job_id: int) -> tuple[int, int, str] | None:
    client = redis_client()
    if client is None:
        return None
    found = client.hgetall(_key(job_id))
    if not found:
        return None
    return int(found[b"done"]), int(found[b"total"]), found[b"stage"].decode()


def forget_progress(job_id: int) -> None:
    client = redis_client()
    if client is not None:
        client.delete(_key(job_id))
