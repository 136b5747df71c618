"""The part's one blueprint, shared by the sub-packages' views, and the helpers they share.

Every sub-package registers its routes on ``bp``, so endpoint names stay ``casestudies.<view>``
and URLs stay under ``/casestudies/``. Templates live in ``templates/casestudies/<sub-package>/``.
"""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from lianbing.host import (
    AUTHORS,
    CITY_ADMIN,
    OFFICER,
    TRAINER,
    Forbidden,
    active_campaign,
    db,
    may_author,
)

bp = Blueprint("casestudies", __name__, template_folder="templates", static_folder="static")

#: who authors lessons, exercises and rubrics and grades records
MANAGE = (TRAINER, CITY_ADMIN)
#: who writes practice records
WRITERS = (OFFICER, TRAINER)
#: who authors record exercises and case lessons: the city's authors for the city, a county's
#: admin and attached trainers for its own officers (the activity's owner_bureau_id)
EXERCISE_AUTHORS = AUTHORS
EXERCISE_REFUSED = "只能管理本单位组织的笔录练习，不能管理市局或其他单位的。"
NOT_FOR_YOU = "此笔录练习由其他单位组织，只面向该单位人员。"
LESSON_REFUSED = "只能管理本单位组织的以案释法案例，不能管理市局或其他单位的。"
LESSON_NOT_FOR_YOU = "此案例由其他单位组织，只面向该单位人员。"


def get_or_404(model, ident: int):
    """The row with this id, or the 404 page."""
    row = db.session.get(model, ident)
    if row is None:
        abort(404)
    return row


def is_manager() -> bool:
    """The current user authors and grades (trainer or city admin)."""
    return current_user.role in MANAGE


def require_exercise_author(exercise) -> None:
    """Refuse a county author (or a county-attached marker) another bureau's exercise."""
    if not may_author(current_user, exercise.owner_bureau_id):
        raise Forbidden(EXERCISE_REFUSED)


def is_for(exercise, user) -> bool:
    """A county's exercise is for its own bureau's people; the city's for everyone."""
    return exercise.owner_bureau_id is None or exercise.owner_bureau_id == user.bureau_id


def campaign_id() -> int | None:
    """The active campaign's id, where results are recorded (None when there is none)."""
    campaign = active_campaign()
    return campaign.id if campaign else None
