"""Sending stored files back to the browser."""

from __future__ import annotations

import io

from flask import send_file

from lianbing.files.models import StoredFile
from lianbing.web import download, header_safe_name

#: types a browser may show in the page instead of downloading
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}


def serve_file(stored: StoredFile, *, inline: bool = False):
    """Send a stored file: images and PDFs inline when asked, everything else as a download."""
    if inline and stored.content_type in INLINE_TYPES:
        response = send_file(
            io.BytesIO(stored.data),
            mimetype=stored.content_type,
            download_name=header_safe_name(stored.filename),
        )
    else:
        response = download(stored.data, stored.filename, stored.content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
