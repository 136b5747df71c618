"""What a job may be: kinds registered by the host's packages and by parts (via lianbing.host).

A kind names the roles that may start and follow it and the function that does the work. The
function gets a :class:`Context` (the job, its owner, its params, a progress reporter) and
returns an :class:`Output` (a file, stored only once the function has returned it whole), a
short summary line, or None. It raises a ``Refused`` with a Chinese message to fail the job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask import Flask, current_app

from lianbing.jobs.models import Job

REGISTRY_KEY = "lianbing_job_kinds"


@dataclass(frozen=True)
class Output:
    """A finished file: kept in the host file store, downloaded through the job's page."""

    filename: str
    data: bytes
    summary: str = ""


@dataclass
class Context:
    job: Job
    #: None for a job the server started itself (the command line)
    owner: Any
    report: Callable[[int, int, str], None]

    @property
    def params(self) -> dict[str, Any]:
        return self.job.params or {}

    def progress(self, done: int, total: int, stage: str = "") -> None:
        """Say how far the work got (done of total, a Chinese stage text)."""
        self.report(done, total, stage)


@dataclass(frozen=True)
class JobKind:
    key: str
    title: str
    roles: tuple[str, ...]
    run: Callable[[Context], Output | str | None]
    #: where the job's page links back to (an endpoint without arguments), if anywhere
    back: str = ""


def register_kind(app: Flask, kind: JobKind) -> None:
    kinds = app.extensions.setdefault(REGISTRY_KEY, {})
    if kind.key in kinds:
        raise ValueError(f"job kind {kind.key!r} registered twice")
    kinds[kind.key] = kind


def get(key: str) -> JobKind | None:
    return current_app.extensions.get(REGISTRY_KEY, {}).get(key)
