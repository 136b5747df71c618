"""Logging for operators: one line per request and per domain event, to stderr.

``LOG_FORMAT=json`` writes JSON lines (one object per line) for a log collector; the
default is a plain line. Every record carries the request id when there is a request.
``LOG_LEVEL`` sets the level (INFO by default). Domain events use
``logging.getLogger("lianbing.<area>")`` and :func:`event`.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone

from flask import Flask, g, has_request_context
from flask.logging import default_handler

_EXTRA = (
    "event",
    "user_id",
    "method",
    "route",
    "status",
    "duration_ms",
    "actor_id",
    "target",
    "count",
)
_HANDLER_NAME = "lianbing-stderr"


class RequestIdFilter(logging.Filter):
    """Put the current request id (or "-") on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the request id and any structured extras."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        data.update({k: getattr(record, k) for k in _EXTRA if hasattr(record, k)})
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def configure_logging(app: Flask) -> None:
    """Attach one stderr handler to the ``lianbing`` loggers and Flask's app logger."""
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(RequestIdFilter())
    if app.config.get("LOG_FORMAT") == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
        )
    level = app.config.get("LOG_LEVEL", "INFO")
    for name in {"lianbing", app.logger.name}:
        logger = logging.getLogger(name)
        logger.handlers = [
            h for h in logger.handlers if h.get_name() != _HANDLER_NAME and h is not default_handler
        ]
        logger.addHandler(handler)
        logger.setLevel(level)


def event(area: str, message: str, *args, **fields) -> None:
    """Log one domain event an operator cares about (imports, exports, grading …)."""
    logging.getLogger(f"lianbing.{area}").info(message, *args, extra={"event": area, **fields})
