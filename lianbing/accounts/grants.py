"""Who may grant what: the one rule for creating, editing, importing, resetting and deactivating.

Every path that manages accounts asks this table: the user form (its role and bureau menus
offer what :func:`allowed_roles` and :func:`bureau_allowed` allow), the roster import
(row by row), the password reset and the activation switch, and the services behind them
(``services.create_user`` and friends check it whenever an actor is named). Only the command
line (``flask create-admin``, ``flask demo``) acts without an actor: it is run by whoever
operates the server.

Decisions:

* a city admin (市局管理员) manages anyone in any bureau;
* a county admin (县级管理员) manages officers and county admins of their own bureau only;
* trainers (培训员) write material for the whole city, so only a city admin manages trainer
  accounts, even a trainer attached to a county bureau;
* officers and trainers manage nobody.
"""

from __future__ import annotations

from dataclasses import dataclass

from lianbing.auth import BUREAU_ADMIN, CITY_ADMIN, OFFICER
from lianbing.parts import ROLE_LABELS, ROLES

ANY_BUREAU = "any"
OWN_BUREAU = "own"


@dataclass(frozen=True)
class Grant:
    roles: frozenset[str]
    bureaus: str = OWN_BUREAU


RULES: dict[str, Grant] = {
    CITY_ADMIN: Grant(frozenset(ROLES), ANY_BUREAU),
    BUREAU_ADMIN: Grant(frozenset({OFFICER, BUREAU_ADMIN}), OWN_BUREAU),
}
NOBODY = Grant(frozenset())


def grant_of(actor) -> Grant:
    return RULES.get(actor.role, NOBODY)


def allowed_roles(actor) -> list[str]:
    """The roles the actor may give, in the order of ROLES."""
    roles = grant_of(actor).roles
    return [r for r in ROLES if r in roles]


def bureau_allowed(actor, bureau_id: int | None) -> bool:
    grant = grant_of(actor)
    if not grant.roles:
        return False
    return grant.bureaus == ANY_BUREAU or bureau_id == actor.bureau_id


def may_manage(actor, role: str, bureau_id: int | None) -> bool:
    """May the actor create, change, reset or (de)activate an account with this role and bureau?"""
    return role in grant_of(actor).roles and bureau_allowed(actor, bureau_id)


def refusal(actor, role: str, bureau_id: int | None, verb: str = "管理") -> str:
    """Why the actor may not manage (or ``verb``) such an account ("" when allowed)."""
    if may_manage(actor, role, bureau_id):
        return ""
    label = ROLE_LABELS.get(role, role)
    if role not in grant_of(actor).roles:
        return f"{ROLE_LABELS.get(actor.role, actor.role)}不能{verb}{label}账号"
    return f"只能{verb}本单位人员"
