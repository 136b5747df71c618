"""The part's refusals: the host's family, with the part's own names kept for its callers."""

from __future__ import annotations

from lianbing.host import Conflict as HostConflict
from lianbing.host import Forbidden, Invalid
from lianbing.host import TooLarge as HostTooLarge


class CaseError(Invalid):
    """A request the part refuses; the message is for people, ``status`` for HTTP (400)."""


class Conflict(CaseError, HostConflict):
    """The record, rubric or grade is in a state that does not allow it (409)."""

    status = 409


class TooLarge(CaseError, HostTooLarge):
    """A record or file over its limit (413)."""

    status = 413


class NotAllowed(CaseError, Forbidden):
    """Not this user's to do, e.g. grading one's own record (403)."""

    status = 403
