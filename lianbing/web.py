"""Small helpers shared by views: safe redirects, downloads, form errors."""
from __future__ import annotations

import io
from urllib.parse import quote, urlsplit

from flask import flash, send_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def is_safe_next(target: str | None) -> bool:
    """Only same-site relative paths are followed after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(ord(c) < 33 or ord(c) == 127 for c in target):  # browsers drop tabs/newlines: "/\t/evil"
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def download(data: bytes, filename: str, mimetype: str):
    """Send bytes as an attachment with a UTF-8 file name."""
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                         download_name=filename)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def flash_errors(form) -> None:
    """Flash every field error of a WTForms form."""
    for field, errors in form.errors.items():
        label = getattr(getattr(form, field, None), "label", None)
        for error in errors:
            flash(f"{label.text if label else field}：{error}", "danger")


def form_status(form) -> int:
    """400 when a submitted form failed validation, else 200 (a first GET)."""
    return 400 if form.is_submitted() and form.errors else 200
