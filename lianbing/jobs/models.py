"""A job row: what runs, for whom, how far it got and what it made."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lianbing.dbtypes import UTCDateTime, utcnow
from lianbing.extensions import db
from lianbing.files.models import StoredFile

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUS_LABELS = {QUEUED: "排队中", RUNNING: "进行中", DONE: "已完成", FAILED: "失败"}
#: ``StoredFile.owner_kind`` of the files a job owns: its result, and an upload it reads
#: (``params["file_id"]``); both go when the job is pruned (lianbing/jobs/retention.py)
RESULT_FILE, INPUT_FILE = "jobs.result", "jobs.input"


class Job(db.Model):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: a registered kind (lianbing/jobs/kinds.py), e.g. "rankings.export"
    kind: Mapped[str] = mapped_column(String(50))
    #: who started it; None for the server's own (a scheduled ``flask notify run --enqueue``)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: the owner's bureau when the job was started: whose admins may follow it
    bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"), index=True)
    #: plain JSON the kind's function reads (ids, options; never a password)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default=QUEUED)
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    stage: Mapped[str] = mapped_column(String(100), default="")
    #: the reason shown when failed; a short line of what was done when done
    error: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    result_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    #: by name, so this package does not import the packages whose work it runs
    owner: Mapped["User | None"] = relationship("User", foreign_keys=[owner_id])  # noqa: F821
    result_file: Mapped[StoredFile | None] = relationship()

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def finished(self) -> bool:
        return self.status in (DONE, FAILED)

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.status}>"
