"""One family of refusals and one handler that answers them as a page or as JSON.

A service refuses by raising a subclass of :class:`Refused` with a Chinese message for
people and an HTTP status. Views let it propagate (the handler below shows the message
page, or ``{"ok": false, "error": …}`` to a fetch/JSON request) or catch it to re-render
their form with :func:`lianbing.web.rerender`. Either way the request's changes are rolled
back by the lifecycle (``lianbing.lifecycle``), except for a refusal that sets ``keep``.
"""

from __future__ import annotations

from flask import Flask, Response, g, render_template, request
from flask.globals import request_ctx
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from lianbing.audit import services as audit
from lianbing.extensions import db


class Refused(ValueError):
    """A refused action: ``str(err)`` is the Chinese message, ``status`` the HTTP code."""

    status = 400
    #: True when the changes made before the refusal must still be committed
    #: (an attempt auto-submitted at its deadline, a login failure counted)
    keep = False

    def __init__(self, message: str = "", status: int | None = None, *, reasons=None):
        self.reasons = list(reasons) if reasons else ([message] if message else [])
        super().__init__(message or "；".join(self.reasons) or "请求被拒绝")
        if status is not None:
            self.status = status

    @property
    def message(self) -> str:
        return str(self)


class Invalid(Refused):
    """Bad input: 400."""

    status = 400


class Forbidden(Refused):
    """Not allowed for this user: 403."""

    status = 403


class NotFound(Refused):
    """No such thing (or not visible to this user): 404."""

    status = 404


class Conflict(Refused):
    """The state does not allow it (already submitted, closed, duplicate): 409."""

    status = 409


class TooLarge(Refused):
    """An upload or a value over its limit: 413."""

    status = 413


class Throttled(Refused):
    """Too many tries: 429."""

    status = 429


HTTP_MESSAGES = {
    400: "请求无效",
    401: "请先登录",
    403: "没有权限访问此页面",
    404: "页面不存在",
    405: "不支持此操作",
    409: "当前状态不允许此操作",
    413: "上传的文件太大",
    429: "操作过于频繁，请稍后再试",
    500: "服务器内部错误",
}


def wants_json() -> bool:
    """API calls, fetch() calls sending JSON and clients asking for JSON get JSON errors."""
    return (
        request.path.startswith("/api/")
        or request.is_json
        or request.accept_mimetypes.best == "application/json"
        or request.headers.get("X-Requested-With") == "fetch"
    )


def respond(code: int, message: str, detail: str = ""):
    """The one error response: the Chinese page, or JSON for API and fetch requests."""
    if request_ctx.url_adapter is None:  # an untrusted Host header: no URL can be built
        return Response(message, code, mimetype="text/plain")
    if wants_json():
        return {
            "ok": False,
            "error": message,
            "detail": detail,
            "request_id": g.get("request_id", ""),
        }, code
    return render_template(
        "errors/error.html",
        code=code,
        message=message,
        detail=detail,
        request_id=g.get("request_id", ""),
    ), code


def handle_refused(err: Refused):
    """A domain refusal: its own message and status."""
    if err.keep:
        g.keep_changes = True
    if err.status == 403:
        note_refusal(str(err))
    return respond(err.status, str(err))


def handle_http(error: HTTPException):
    """Werkzeug's HTTP errors (abort(404), CSRF, 413 …) in Chinese."""
    code = error.code or 500
    message = HTTP_MESSAGES.get(code, "请求出错")
    detail = ""
    if isinstance(error, CSRFError):
        detail = "页面已过期或缺少安全校验（CSRF 令牌），请刷新页面后重试。"
    elif code in (400, 403, 404, 409, 413, 429) and _is_ours(error.description):
        detail = error.description
    if code == 403 and not isinstance(error, CSRFError):
        note_refusal(detail or message)
    return respond(code, message, detail)


def note_refusal(message: str) -> None:
    """One audit row per permission refusal (403): who asked for what.

    The request's own changes are dropped first; only the audit row is kept.
    """
    db.session.rollback()
    user = current_user if current_user and current_user.is_authenticated else None
    audit.write(
        "auth.forbidden",
        "route",
        f"{request.method} {request.path}"[:80],
        actor_id=user.id if user else None,
        bureau_id=user.bureau_id if user else None,
        reason=message[:500],
    )
    g.keep_changes = True


def handle_internal(error):
    """An unexpected exception: the 500 page with the request id to quote."""
    return respond(500, HTTP_MESSAGES[500], "请把页面下方的请求编号告诉管理员。")


def in_chinese(exc: BaseException | str, fallback: str) -> str:
    """An exception's message when it is ours (Chinese); a library's English one becomes
    ``fallback``, which says what is wrong and what to do."""
    text = str(exc)
    return text if _is_ours(text) else fallback


def _is_ours(description: str | None) -> bool:
    """Werkzeug's default English descriptions are not shown; our Chinese ones are."""
    return bool(description) and any("\u4e00" <= ch <= "\u9fff" for ch in description)


def register_errorhandlers(app: Flask) -> None:
    """Refusals, HTTP errors and unexpected exceptions, each answered the same way."""
    app.register_error_handler(Refused, handle_refused)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(500, handle_internal)
