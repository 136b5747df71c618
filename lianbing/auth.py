"""Roles, the require_role() decorator and bureau scoping helpers."""

from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select

from lianbing.parts import ROLES

OFFICER, TRAINER, BUREAU_ADMIN, CITY_ADMIN = ROLES
ADMINS = (BUREAU_ADMIN, CITY_ADMIN)
STAFF = (TRAINER, BUREAU_ADMIN, CITY_ADMIN)
#: who authors activities: the city's admins and trainers for the city, a county's admin and
#: attached trainers for that county (see authoring_bureau)
AUTHORS = STAFF


def require_role(*roles: str) -> Callable:
    """Let only logged-in users with one of ``roles`` through; others get 403."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {unknown}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = frozenset(roles)
        return wrapped

    return decorator


def any_user(view: Callable) -> Callable:
    """Any logged-in user, whatever the role (stated explicitly on the view)."""
    wrapped = require_role(*ROLES)(view)
    return wrapped


def public(view: Callable) -> Callable:
    """Mark a view as open to anonymous visitors, on purpose."""
    view.required_roles = frozenset({"anonymous", *ROLES})
    return view


def sees_all_bureaus(user) -> bool:
    """City admins see every bureau; everyone else is scoped."""
    return user.role == CITY_ADMIN


def can_manage_bureau(user, bureau_id: int) -> bool:
    """May this user manage the people and data of this bureau? A bureau admin manages its own
    bureau and every bureau below it (a province's admin its cities and counties)."""
    if user.role == CITY_ADMIN:
        return True
    return user.role == BUREAU_ADMIN and user.bureau.covers(bureau_id)


def require_bureau(user, bureau_id: int) -> None:
    """Abort 403 unless the user may manage the bureau."""
    if not can_manage_bureau(user, bureau_id):
        abort(403)


def readable_bureaus(user) -> frozenset[int] | None:
    """The ids of the bureaus whose campaign data the user reads and compares: None for every
    bureau (the city admin), else the user's bureau and every bureau below it, so a province's
    admin reads its cities and counties, a city's its counties (decision 0028)."""
    return None if sees_all_bureaus(user) else user.bureau.subtree_ids()


def reading_scope(user) -> str | None:
    """The bureau path of the subtree ``readable_bureaus`` names (None: everything)."""
    return None if sees_all_bureaus(user) else user.bureau.path


def writes_for_bureau(user, bureau_id: int) -> bool:
    """May the user write this bureau's own paperwork (a bulletin, the summary and self-scores,
    a reopened nomination)? Only the bureau's own admin: admins above it read, and approving
    stays with the city admin (decision 0028)."""
    return user.role == BUREAU_ADMIN and user.bureau_id == bureau_id


def require_own_bureau(user, bureau_id: int) -> None:
    """Abort 403 unless the user is the admin of this very bureau (see writes_for_bureau)."""
    if not writes_for_bureau(user, bureau_id):
        abort(403)


def authoring_bureau(user) -> int | None:
    """The bureau an author writes activities for: None for the city (city admins and trainers
    of the city bureau), else the author's own county bureau (its admin or attached trainer)."""
    if user.role == CITY_ADMIN or (user.role == TRAINER and user.bureau.is_city):
        return None
    return user.bureau_id


def may_author(user, owner_bureau_id: int | None) -> bool:
    """May this author see and change an activity owned by ``owner_bureau_id`` (None = city)?

    City authors see every activity; a county author only its own bureau's.
    """
    scope = authoring_bureau(user)
    return scope is None or owner_bureau_id == scope


def scope_to_bureau(stmt: Select, user, bureau_column) -> Select:
    """Narrow a select to the user's bureau and those below it, unless the user sees all."""
    if sees_all_bureaus(user):
        return stmt
    return stmt.where(bureau_column.in_(user.bureau.subtree()))
