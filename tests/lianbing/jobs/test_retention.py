"""Old finished jobs and the files they own are deleted after JOBS_KEEP_DAYS
(``flask jobs prune``); queued and running jobs, recent ones and other files stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.files.models import StoredFile
from lianbing.files.services import store_bytes
from lianbing.jobs import retention, services
from lianbing.jobs.models import DONE, FAILED, INPUT_FILE, QUEUED, RUNNING, Job


def _job(people, test_kinds, *, broken: bool, days_ago: float, params=None) -> Job:
    """A finished test.flaky job (done with its result file, or failed) finished days ago."""
    test_kinds.broken = broken
    job = services.start("test.flaky", params or {}, people["admin_441402"])
    job.finished_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    assert job.status == (FAILED if broken else DONE)
    return job


def _unfinished(people, status: str) -> Job:
    job = Job(
        kind="test.flaky",
        owner_id=people["admin_441402"].id,
        status=status,
        created_at=utcnow() - timedelta(days=30),
    )
    db.session.add(job)
    db.session.commit()
    return job


def _ids(model) -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(select(model.id)))


def test_prune_deletes_old_finished_jobs_and_their_files_only(people, test_kinds):
    upload = store_bytes("名单.xlsx", b"x", owner_kind=INPUT_FILE, user_id=None)
    other = store_bytes("课件.pdf", b"y", owner_kind="training.lesson", user_id=None)
    old_done = _job(people, test_kinds, broken=False, days_ago=8)
    _job(people, test_kinds, broken=True, days_ago=8, params={"file_id": upload.id})
    recent = _job(people, test_kinds, broken=False, days_ago=6)
    waiting, running = _unfinished(people, QUEUED), _unfinished(people, RUNNING)
    gone_files = {old_done.result_file_id, upload.id}
    kept_files = {other.id, recent.result_file_id}
    kept_jobs = {recent.id, waiting.id, running.id}

    pruned = retention.prune(utcnow(), 7)
    db.session.commit()

    assert (pruned.jobs, pruned.files) == (2, 2)
    assert _ids(Job) == kept_jobs
    assert not gone_files & _ids(StoredFile) and kept_files <= _ids(StoredFile)


def test_keep_days_zero_keeps_everything(people, test_kinds):
    job = _job(people, test_kinds, broken=False, days_ago=400)
    assert retention.prune(utcnow(), 0) == retention.Pruned(0, 0)
    assert job.id in _ids(Job)


def test_prune_command_uses_jobs_keep_days(app, runner, people, test_kinds, monkeypatch):
    old = _job(people, test_kinds, broken=False, days_ago=3)
    old_id, result_id = old.id, old.result_file_id
    monkeypatch.setitem(app.config, "JOBS_KEEP_DAYS", 7)
    kept = runner.invoke(args=["jobs", "prune"])
    assert kept.exit_code == 0 and "已删除 0 个" in kept.output
    assert old_id in _ids(Job)
    for args, expected in ((["--days", "0"], "全部任务保留"), (["--days", "2"], "已删除 1 个")):
        result = runner.invoke(args=["jobs", "prune", *args])
        assert result.exit_code == 0 and expected in result.output, result.output
    assert old_id not in _ids(Job) and result_id not in _ids(StoredFile)
    refused = runner.invoke(args=["jobs", "prune", "--days", "-1"])
    assert refused.exit_code != 0
