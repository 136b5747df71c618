"""Signed values a worker has verified once: the session cookie and the CSRF token.

A browser sends the same session cookie and the same CSRF token with every request, and
checking their signatures (itsdangerous: key derivation, HMAC, base64, JSON) is a good part of
a small request's work. Each worker keeps, bounded, what it found in the exact strings it has
verified with the current keys, with their signing times: a string seen again is the same
signed value, so only its age (and, for the token, the session's raw token) is checked again.
A string differing in any byte — a tampered cookie, another user's token — is verified in full.
"""

from __future__ import annotations

import copy
import hmac
import logging
import time

from flask import current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_wtf import CSRFProtect
from flask_wtf.csrf import same_origin, validate_csrf
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms import ValidationError

#: verified strings a worker keeps per kind (beyond this the oldest half is dropped)
KEEP_AT_MOST = 10_000
log = logging.getLogger("flask_wtf.csrf")


class Kept:
    """Verified strings → (what they hold, signing time), for one set of keys."""

    def __init__(self) -> None:
        self.keys: tuple = ()
        self.found: dict[str, tuple[object, int]] = {}

    def get(self, keys: tuple, signed: str) -> tuple[object, int] | None:
        if keys != self.keys:
            self.keys, self.found = keys, {}
        return self.found.get(signed)

    def put(self, signed: str, value: object, signed_at: int) -> None:
        if len(self.found) >= KEEP_AT_MOST:
            for old in list(self.found)[: KEEP_AT_MOST // 2]:
                del self.found[old]
        self.found[signed] = (value, signed_at)


def _too_old(signed_at: int, max_age: int | None) -> bool:
    """itsdangerous's own age check: older than ``max_age``, or signed in the future."""
    age = int(time.time()) - signed_at
    return max_age is not None and (age > max_age or age < 0)


class KeptSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session; a cookie string this worker verified is not verified
    again (its age still is), and each request gets its own copy of the values."""

    def __init__(self) -> None:
        self.kept = Kept()

    def open_session(self, app, request):
        signed = request.cookies.get(self.get_cookie_name(app))
        if not signed or not app.secret_key:
            return super().open_session(app, request)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        found = self.kept.get(keys, signed)
        if found is None:
            try:
                data, signed_at = self.get_signing_serializer(app).loads(
                    signed, max_age=max_age, return_timestamp=True
                )
            except BadSignature:
                return self.session_class()
            found = (data, int(signed_at.timestamp()))
            self.kept.put(signed, *found)
        if _too_old(found[1], max_age):
            return self.session_class()
        return self.session_class(copy.deepcopy(found[0]))


class KeptTokenCSRFProtect(CSRFProtect):
    """Flask-WTF's CSRF protection; a token string this worker verified is not verified again
    (its age still is, and it must still equal the session's raw token)."""

    def __init__(self, app=None) -> None:
        self.kept = Kept()
        super().__init__(app)

    def protect(self, apply_exemptions=False):
        """Flask-WTF's ``protect`` with the kept check first."""
        if apply_exemptions and (not request.endpoint or self._is_exempt()):
            return
        config = current_app.config
        if request.method not in config["WTF_CSRF_METHODS"]:
            return
        try:
            self._validate(self._get_csrf_token())
        except ValidationError as e:
            log.info(e.args[0])
            self._error_response(e.args[0])
        if request.is_secure and config["WTF_CSRF_SSL_STRICT"]:
            if not request.referrer:
                self._error_response("The referrer header is missing.")
            if not same_origin(request.referrer, f"https://{request.host}/"):
                self._error_response("The referrer does not match the host.")
        g.csrf_valid = True

    def _validate(self, token: str | None) -> None:
        config = current_app.config
        field, limit = config["WTF_CSRF_FIELD_NAME"], config["WTF_CSRF_TIME_LIMIT"]
        secret = config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
        found = self.kept.get((secret,), token) if token else None
        if found is None:
            validate_csrf(token)  # raises with Flask-WTF's reasons
            serializer = URLSafeTimedSerializer(secret, salt="wtf-csrf-token")
            raw, signed_at = serializer.loads(token, return_timestamp=True)
            self.kept.put(token, raw, int(signed_at.timestamp()))
            return
        raw, signed_at = found
        if field not in session:
            raise ValidationError("The CSRF session token is missing.")
        if _too_old(signed_at, limit):
            raise ValidationError("The CSRF token has expired.")
        if not hmac.compare_digest(session[field], raw):
            raise ValidationError("The CSRF tokens do not match.")
