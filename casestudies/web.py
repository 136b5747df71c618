"""The part's one blueprint, shared by the sub-packages' views, and the helpers they share.

Every sub-package registers its routes on ``bp``, so endpoint names stay ``casestudies.<view>``
and URLs stay under ``/casestudies/``. Templates live in ``templates/casestudies/<sub-package>/``.
"""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from lianbing.host import CITY_ADMIN, OFFICER, TRAINER, active_campaign, db

bp = Blueprint("casestudies", __name__, template_folder="templates", static_folder="static")

#: who authors lessons, exercises and rubrics and grades records
MANAGE = (TRAINER, CITY_ADMIN)
#: who writes practice records
WRITERS = (OFFICER, TRAINER)


def get_or_404(model, ident: int):
    """The row with this id, or the 404 page."""
    row = db.session.get(model, ident)
    if row is None:
        abort(404)
    return row


def is_manager() -> bool:
    """The current user authors and grades (trainer or city admin)."""
    return current_user.role in MANAGE


def campaign_id() -> int | None:
    """The active campaign's id, where results are recorded (None when there is none)."""
    campaign = active_campaign()
    return campaign.id if campaign else None
