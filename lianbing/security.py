"""Security headers on every response, the per-request script nonce, canonical public URLs.

Every response carries a Content-Security-Policy whose scripts are limited to our own files
and inline blocks bearing this request's nonce (``nonce="{{ csp_nonce() }}"`` in a template),
framing is refused, MIME sniffing is off, the referrer stays on our site, powerful browser
features are switched off, and HSTS is sent once the session cookie is marked secure.
Inline event-handler attributes (``onclick=``) are not covered by a nonce and are not used.
"""

from __future__ import annotations

import json
import secrets
from urllib.parse import urljoin

from flask import Flask, current_app, has_request_context, request, url_for
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from lianbing.errors import Invalid

#: JSON deeper than this is refused before parsing (request bodies and uploaded JSON)
MAX_JSON_DEPTH = 64

PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=(), interest-cohort=()"
)

HSTS = "max-age=31536000; includeSubDomains"

NONCE_KEY = "lianbing.csp_nonce"


def csp_nonce() -> str:
    """This request's script nonce, made on first use (kept in the request's environ: ``g``
    outlives a request when an application context was already pushed)."""
    if not has_request_context():
        return ""
    return request.environ.setdefault(NONCE_KEY, secrets.token_urlsafe(16))


def content_security_policy(nonce: str | None) -> str:
    scripts = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            # inline style attributes (progress bars, SVG charts) are harmless without scripts
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


#: the policy of a response whose page made no nonce (JSON, redirects), built once
_NO_NONCE_POLICY = content_security_policy(None)


#: the headers every response carries unless its view set its own, by lower-case name
_FIXED = [
    ("x-frame-options", "X-Frame-Options", "DENY"),
    ("x-content-type-options", "X-Content-Type-Options", "nosniff"),
    ("referrer-policy", "Referrer-Policy", "same-origin"),
    ("permissions-policy", "Permissions-Policy", PERMISSIONS_POLICY),
]
_HSTS = ("strict-transport-security", "Strict-Transport-Security", HSTS)


def _set_headers(response):
    """The policy and fixed headers a view did not set itself (one pass over the headers)."""
    headers = response.headers
    present = {name.lower() for name in headers.keys()}
    if "content-security-policy" not in present:
        nonce = request.environ.get(NONCE_KEY)
        policy = content_security_policy(nonce) if nonce else _NO_NONCE_POLICY
        headers.add("Content-Security-Policy", policy)
    fixed = _FIXED + [_HSTS] if current_app.config.get("SESSION_COOKIE_SECURE") else _FIXED
    headers.extend([(name, value) for low, name, value in fixed if low not in present])
    return response


def public_url(endpoint: str, **values) -> str:
    """An absolute URL built from ``PUBLIC_BASE_URL``, never from the request's Host header."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/"
    return urljoin(base, url_for(endpoint, **values).lstrip("/"))


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects, strings skipped (no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def bounded_loads(text: str | bytes, **kwargs):
    """``json.loads`` behind the depth check (the app's JSON provider uses it for request
    bodies); a refusal is a ``ValueError``, which Flask answers with 400."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if json_depth(text) > MAX_JSON_DEPTH:
        raise Invalid(f"JSON 的嵌套层数超过 {MAX_JSON_DEPTH} 层。")
    return json.loads(text, **kwargs)


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>`` in URLs, up to 2**31 - 1: a larger id cannot exist and would overflow the
    database's integer (a 404 instead of a 500)."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class BoundedJSONProvider(DefaultJSONProvider):
    """Request bodies parsed behind a nesting-depth check (deep JSON is a 400, not a 500)."""

    def loads(self, s, **kwargs):
        return bounded_loads(s, **kwargs)


def _json_body_is_an_object():
    """Every JSON body the app reads is an object; anything else (or unparsable JSON) is a 400
    before a view or a form (Flask-WTF reads JSON bodies as form data) can trip on it."""
    if request.is_json and request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if not isinstance(request.get_json(silent=True), dict):
            raise Invalid("请求格式不正确：请求体应为 JSON 对象。")


def _no_nul_characters():
    """A NUL in a query, form field or JSON text is never meaningful: it ends strings in SQLite's
    full-text queries and PostgreSQL refuses it in text columns. Refused up front (400)."""
    if "%00" in request.query_string.decode("latin-1") or "\x00" in request.path:
        raise Invalid("请求中含有不允许的二进制或控制字符（NUL）。")
    view = current_app.view_functions.get(request.endpoint or "")
    #: a view that refuses control characters itself, with its form kept (the record editor)
    if getattr(view, "checks_control_characters", False):
        return
    if request.method in ("POST", "PUT", "PATCH"):
        if any("\x00" in v for v in request.form.values()):
            raise Invalid("表单中含有不允许的二进制或控制字符（NUL）。")
        if request.is_json and "\\u0000" in request.get_data(as_text=True):
            raise Invalid("请求中含有不允许的二进制或控制字符（NUL）。")


def register_security(app: Flask) -> None:
    """The header hook, the ``csp_nonce()`` template global, the bounded JSON parser and URL
    integers (called before any blueprint adds its rules)."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.json = BoundedJSONProvider(app)
    app.after_request(_set_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce


def register_input_guards(app: Flask) -> None:
    """Refusals of malformed input before any view (after the request lifecycle's own hooks,
    so a refused request still has its id and log line)."""
    app.before_request(_json_body_is_an_object)
    app.before_request(_no_nul_characters)
