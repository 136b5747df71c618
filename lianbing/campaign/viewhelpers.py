"""Small helpers shared by the campaign-operations views."""
from __future__ import annotations

import io

from flask import abort, flash, render_template, send_file

from lianbing.campaign.models import Campaign
from lianbing.extensions import db
from lianbing.files.models import StoredFile
from lianbing.web import download

INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}


def get_campaign(campaign_id: int) -> Campaign:
    """The campaign or 404."""
    return db.session.get(Campaign, campaign_id) or abort(404)


def refuse(message: str, status: int, template: str, **context):
    """Undo the request's changes and show the page again with the message."""
    db.session.rollback()
    flash(message, "danger")
    return render_template(template, **context), status


def serve_file(stored: StoredFile, *, inline: bool = False):
    """Send a stored file: images and PDFs inline when asked, everything else as a download."""
    if inline and stored.content_type in INLINE_TYPES:
        response = send_file(io.BytesIO(stored.data), mimetype=stored.content_type,
                             download_name=stored.filename)
    else:
        response = download(stored.data, stored.filename, stored.content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
