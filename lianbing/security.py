"""Security headers on every response, the per-request script nonce, canonical public URLs.

Every response carries a Content-Security-Policy whose scripts are limited to our own files
and inline blocks bearing this request's nonce (``nonce="{{ csp_nonce() }}"`` in a template),
framing is refused, MIME sniffing is off, the referrer stays on our site, powerful browser
features are switched off, and HSTS is sent once the session cookie is marked secure.
Inline event-handler attributes (``onclick=``) are not covered by a nonce and are not used.
"""

from __future__ import annotations

import secrets
from urllib.parse import urljoin

from flask import Flask, current_app, has_request_context, request, url_for

PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=(), interest-cohort=()"
)


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


def _set_headers(response):
    headers = response.headers
    headers.setdefault(
        "Content-Security-Policy", content_security_policy(request.environ.get(NONCE_KEY))
    )
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def public_url(endpoint: str, **values) -> str:
    """An absolute URL built from ``PUBLIC_BASE_URL``, never from the request's Host header."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/"
    return urljoin(base, url_for(endpoint, **values).lstrip("/"))


def register_security(app: Flask) -> None:
    """The header hook and the ``csp_nonce()`` template global."""
    app.after_request(_set_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
