"""Small helpers shared by the campaign-operations views."""
from __future__ import annotations

import io
from typing import Callable

from flask import abort, flash, redirect, render_template, request, send_file, url_for

from lianbing.campaign.attachments import services as attachments
from lianbing.campaign.models import Campaign
from lianbing.extensions import db
from lianbing.files.models import StoredFile
from lianbing.web import download

INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}


def get_campaign(campaign_id: int) -> Campaign:
    """The campaign or 404."""
    return db.session.get(Campaign, campaign_id) or abort(404)


def no_active_campaign():
    """Back to the campaign list with a warning, for pages that need the active campaign."""
    flash("当前没有进行中的练兵活动。", "warning")
    return redirect(url_for("campaign.index"))


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


def serve_attachment(owner_type: str, file_id: int, load_owner: Callable[[int], object]):
    """Serve a file attached to an owner of this type; ``load_owner(id)`` aborts unless the user may see it."""
    owner_id = attachments.owner_of(owner_type, file_id) or abort(404)
    load_owner(owner_id)
    return serve_file(db.session.get(StoredFile, file_id), inline=request.args.get("inline") == "1")
