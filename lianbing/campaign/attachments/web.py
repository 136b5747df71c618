"""Serving the files attached to campaign paperwork, to those who may see their owner."""

from __future__ import annotations

from typing import Callable

from flask import abort, request

from lianbing.campaign.attachments import services
from lianbing.extensions import db
from lianbing.files.models import StoredFile
from lianbing.files.web import serve_file


def serve_attachment(owner_type: str, file_id: int, load_owner: Callable[[int], object]):
    """Serve a file attached to an owner of this type.

    ``load_owner(owner_id)`` aborts unless the current user may see that owner.
    """
    owner_id = services.owner_of(owner_type, file_id) or abort(404)
    load_owner(owner_id)
    return serve_file(db.session.get(StoredFile, file_id), inline=request.args.get("inline") == "1")
