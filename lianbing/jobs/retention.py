"""Old jobs go: a finished job (done or failed) is kept JOBS_KEEP_DAYS days after it finished,
then deleted with its result file and the uploaded file it read (``flask jobs prune``, run
daily by cron). Queued and running jobs are never touched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from lianbing.extensions import db
from lianbing.files.models import StoredFile
from lianbing.jobs.models import DONE, FAILED, INPUT_FILE, RESULT_FILE, Job

#: jobs deleted per statement (keeps each IN list short)
BATCH = 500


@dataclass(frozen=True)
class Pruned:
    jobs: int
    files: int


def prune(now: datetime, keep_days: int) -> Pruned:
    """Delete the jobs that finished more than ``keep_days`` days before ``now`` and the files
    they own (in the caller's transaction); ``keep_days`` 0 keeps everything."""
    if keep_days <= 0:
        return Pruned(0, 0)
    cutoff = now - timedelta(days=keep_days)
    old = db.session.execute(
        select(Job.id, Job.result_file_id, Job.params).where(
            Job.status.in_((DONE, FAILED)), Job.finished_at < cutoff
        )
    ).all()
    files = 0
    for start in range(0, len(old), BATCH):
        files += _delete(old[start : start + BATCH])
    return Pruned(len(old), files)


def _delete(jobs: list) -> int:
    """Delete these (id, result file id, params) jobs, then the job files they point to."""
    file_ids = ({r for _, r, _ in jobs} | {_input_of(p) for _, _, p in jobs}) - {None}
    db.session.execute(
        delete(Job)
        .where(Job.id.in_([j for j, _, _ in jobs]))
        .execution_options(synchronize_session=False)
    )
    if not file_ids:
        return 0
    done = db.session.execute(
        delete(StoredFile)
        .where(StoredFile.id.in_(file_ids), StoredFile.owner_kind.in_((RESULT_FILE, INPUT_FILE)))
        .execution_options(synchronize_session=False)
    )
    return done.rowcount


def _input_of(params) -> int | None:
    found = (params or {}).get("file_id")
    return found if isinstance(found, int) else None
