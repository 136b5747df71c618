"""One request lifecycle, owned by the host.

Every request gets an id (``X-Request-ID``, echoed from a trusted-looking incoming header or
made here). Services only flush; the host commits once at the end of a successful request
(status below 400) and rolls back otherwise — a refusal, a re-rendered form, an unexpected
exception — unless the refusal asked to keep its changes (``Refused.keep``) or the view
called :func:`lianbing.web.discard_changes`. One log line per request says who did what and
how long it took.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, g, request
from sqlalchemy import inspect

from lianbing.extensions import db

log = logging.getLogger("lianbing.request")
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def register_lifecycle(app: Flask) -> None:
    """Start, finish and tear down every request."""
    app.before_request(_start)
    app.after_request(_finish)
    app.teardown_request(_teardown)


def _start() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex[:16]
    g.request_started = time.perf_counter()


def _finish(response):
    """Commit a successful request, roll back any other; stamp and log it."""
    user_id = _user_id()  # before the commit expires the user (reading it again costs a query)
    keep = response.status_code < 400 and not g.get("discard_changes")
    session = db.session()
    # nothing begun and nothing waiting for a commit (a view that committed): nothing to end
    if session.in_transaction() or session.info:
        if keep or g.get("keep_changes"):
            session.commit()
        else:
            session.rollback()
    response.headers["X-Request-ID"] = g.get("request_id", "")
    _log_request(response.status_code, user_id)
    return response


def _user_id() -> str | None:
    """The logged-in user's id, if a user was loaded for this request (never loads one)."""
    state = inspect(g.get("_login_user"), raiseerr=False)  # None for the anonymous user
    return str(state.identity[0]) if state is not None and state.identity else None


def _teardown(exc: BaseException | None) -> None:
    if exc is not None:
        db.session.rollback()


def _log_request(status: int, user_id: str | None) -> None:
    level = logging.ERROR if status >= 500 else logging.INFO
    if not log.isEnabledFor(level):
        return
    started = g.get("request_started")
    duration = (time.perf_counter() - started) * 1000 if started else 0.0
    method, rule = request.method, request.url_rule
    route = rule.rule if rule else request.path
    log.log(
        level,
        "%s %s %s %.1fms",
        method,
        route,
        status,
        duration,
        extra={
            "event": "request",
            "user_id": user_id,
            "method": method,
            "route": route,
            "status": status,
            "duration_ms": round(duration, 1),
        },
    )
