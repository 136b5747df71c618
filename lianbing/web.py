"""Small helpers shared by views: safe redirects, downloads, form errors."""

from __future__ import annotations

import io
from urllib.parse import quote, urlsplit

from flask import flash, g, redirect, render_template, request, send_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


#: no list has this many pages; a larger ?page= would overflow the database's OFFSET
MAX_PAGE = 100_000


def page_arg() -> int:
    """``?page=`` as a page number in 1..MAX_PAGE (anything else reads as the nearest)."""
    page = request.args.get("page", 1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)


def is_safe_next(target: str | None) -> bool:
    """Only same-site relative paths are followed after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(ord(c) < 33 or ord(c) == 127 for c in target):  # browsers drop tabs/newlines: "/\t/evil"
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def header_safe_name(filename: str) -> str:
    """A file name for a download header: one made of user text (an officer's name, a title,
    an uploaded file's name) with its control characters, which no header may carry, as
    spaces."""
    return "".join(c if c.isprintable() else " " for c in filename)


def download(data: bytes, filename: str, mimetype: str):
    """Send bytes as an attachment with a UTF-8 file name."""
    filename = header_safe_name(filename)
    response = send_file(
        io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename
    )
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


def discard_changes() -> None:
    """Roll this request back at its end even though the response is a success (a redirect)."""
    g.discard_changes = True


def rerender(err, template: str, **context):
    """Show the view's own page again with a refusal's message and status.

    Nothing is kept, unless the refusal asks to keep what it counted (``Refused.keep``).
    """
    if getattr(err, "keep", False):
        g.keep_changes = True
    flash(str(err), "danger")
    return render_template(template, **context), getattr(err, "status", 400)


def refused_redirect(err, target: str):
    """Flash a refusal's message and go to ``target``; the request's changes are rolled back."""
    discard_changes()
    flash(str(err), "danger")
    return redirect(target)
