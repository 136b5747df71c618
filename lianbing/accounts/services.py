"""People and bureaus: authentication, throttling, sessions, roster management."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from lianbing import signals
from lianbing.accounts import grants, sessions, throttle
from lianbing.accounts.models import (
    BACKBONE_SPECIALTIES,
    LEVEL_CITY,
    LEVEL_COUNTY,
    SCOPE_WORDS,
    Bureau,
    User,
)
from lianbing.audit import services as audit
from lianbing.counters import services as counters
from lianbing.errors import Invalid
from lianbing.extensions import db
from lianbing.logconfig import event
from lianbing.parts import ROLES

#: bureau names and codes appear on cached pages (the board, the column)
counters.watch(Bureau, lambda bureau: ["bureaus"])

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{3,50}$")
CERT_RE = re.compile(r"^[A-Za-z0-9\-]{4,30}$")
PHONE_RE = re.compile(r"^[0-9\-+ ]{5,20}$")
MIN_PASSWORD = 8


class AccountError(Invalid):
    """A request about accounts that cannot be carried out (400); the message is for people."""


class LoginFailed(AccountError):
    """Wrong username or password: refused, but the failure row is kept so that it counts."""

    status = 401
    keep = True


class LoginLocked(AccountError):
    """Too many failures for this username from this address, or from this address at all."""

    status = 429
    keep = True


class NotAllowed(AccountError):
    """The actor may not manage an account of this role or bureau (grants.py)."""

    status = 403


@dataclass(frozen=True)
class UserData:
    username: str
    display_name: str
    role: str
    bureau_id: int
    cert_no: str | None = None
    phone: str | None = None
    password: str | None = None


# --- bureaus -------------------------------------------------------------


def city_bureau() -> Bureau | None:
    return db.session.scalar(select(Bureau).where(Bureau.level == LEVEL_CITY))


def all_bureaus() -> list[Bureau]:
    """The city bureau first, then the counties by division code."""
    return list(db.session.scalars(select(Bureau).order_by(Bureau.level, Bureau.code)))


def county_bureaus(under: str | None = None) -> list[Bureau]:
    """The county-level bureaus by division code: all, or those under the bureau path ``under``
    (a ranking's scope, or the subtree an admin reads)."""
    stmt = select(Bureau).where(Bureau.level == LEVEL_COUNTY).order_by(Bureau.code)
    if under is not None:
        stmt = stmt.where(Bureau.path.like(f"{under}%"))
    return list(db.session.scalars(stmt))


def _sole_root(bureau: Bureau) -> bool:
    roots = db.session.scalar(select(func.count()).where(Bureau.parent_id.is_(None)))
    return bureau.parent_id is None and roots == 1


def ranking_scope(bureau: Bureau | None) -> tuple[str | None, str]:
    """(path, name) of the tree part a ranking shown for this bureau is built over: its city (a
    county's parent) or the bureau itself above county level, named 全市 or 全省; the path is
    None when that is the whole tree (a city deployment: every ranking is the city's, as it
    always was; the top page of a country, 全国)."""
    if bureau is None:
        return None, _top_word()
    top = _scope_top(bureau)
    return (None if _sole_root(top) else top.path), SCOPE_WORDS[top.level]


def _scope_top(bureau: Bureau) -> Bureau:
    """The bureau whose subtree a ranking for ``bureau`` covers: a county's city, else itself."""
    return bureau.parent if bureau.level == LEVEL_COUNTY and bureau.parent else bureau


def ranking_scopes() -> dict[int, str | None]:
    """Every bureau's ranking scope path (as ``ranking_scope``), from one read of the tree."""
    bureaus = list(db.session.scalars(select(Bureau)))
    sole = sum(1 for b in bureaus if b.parent_id is None) == 1
    tops = {b.id: _scope_top(b) for b in bureaus}
    return {i: None if sole and t.parent_id is None else t.path for i, t in tops.items()}


def _top_word() -> str:
    roots = list(db.session.scalars(select(Bureau.level).where(Bureau.parent_id.is_(None))))
    return SCOPE_WORDS[roots[0]] if len(roots) == 1 else "全国"


def filter_bureaus() -> list[Bureau]:
    """The bureaus a whole ranking can be narrowed to: under a single top bureau its children
    (a city's counties), else the tops (a country's provinces)."""
    tops = list(db.session.scalars(select(Bureau).where(Bureau.parent_id.is_(None))))
    if len(tops) != 1:
        return sorted(tops, key=lambda b: b.code)
    return list(tops[0].children)


def find_bureau(text: str) -> Bureau | None:
    """A bureau by name, short name or division code."""
    text = (text or "").strip()
    return db.session.scalar(
        select(Bureau).where(
            (Bureau.name == text) | (Bureau.short_name == text) | (Bureau.code == text)
        )
    )


def ensure_bureau(
    name: str, short_name: str, code: str, level: str, parent_id: int | None
) -> Bureau:
    """Create the bureau with this code unless it exists (demo data, setup)."""
    bureau = db.session.scalar(select(Bureau).where(Bureau.code == code))
    if bureau is None:
        bureau = Bureau(
            name=name, short_name=short_name, code=code, level=level, parent_id=parent_id
        )
        db.session.add(bureau)
        db.session.flush()
    return bureau


# --- authentication ------------------------------------------------------

#: per (username, address): a stranger elsewhere cannot lock the account's owner out
PAIR_LIMIT, PAIR_WINDOW = 5, 15 * 60
#: per address across usernames: one client spraying many accounts
ADDRESS_LIMIT, ADDRESS_WINDOW = 20, 15 * 60
#: wrong old passwords on the change-password form, per user
OLD_PASSWORD_LIMIT, OLD_PASSWORD_WINDOW = 5, 15 * 60
THROTTLED_LOGIN = "登录失败次数过多，请 15 分钟后再试。"
_COMMON = None


def _login_keys(username: str, address: str) -> tuple[str, str]:
    return f"login:pair:{username.lower()}:{address}", f"login:addr:{address}"


def _dummy_hash() -> str:
    """A hash made like real ones, verified for unknown usernames so both take the same time."""
    cached = current_app.extensions.get("lianbing_dummy_hash")
    if cached is None:
        cached = User(password_hash="")
        cached.set_password(secrets.token_hex(8))
        cached = current_app.extensions["lianbing_dummy_hash"] = cached.password_hash
    return cached


def _throttled(username: str, address: str) -> bool:
    pair, addr = _login_keys(username, address)
    return throttle.is_throttled(pair, PAIR_LIMIT, PAIR_WINDOW) or throttle.is_throttled(
        addr, ADDRESS_LIMIT, ADDRESS_WINDOW
    )


def authenticate(username: str, password: str, address: str = "-") -> User:
    """The user with these credentials, or AccountError with one message for every failure.

    Failures count per (username, address) and per address; the account's owner logging in
    from elsewhere is never blocked by someone else's guesses.
    """
    username = (username or "").strip()[:50]
    if _throttled(username, address):
        _login_event("auth.login_throttled", username, address, "login throttled")
        raise LoginLocked(THROTTLED_LOGIN)
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
    if user is None or not user.check_password(password or "") or not user.is_active:
        for key in _login_keys(username, address):
            throttle.note(key)
        _login_event("auth.login_failed", username, address, "login failed", user)
        raise LoginFailed("用户名或密码错误。")
    throttle.clear(_login_keys(username, address)[0])
    audit.write(
        "auth.login",
        "user",
        user.id,
        actor_id=user.id,
        bureau_id=user.bureau_id,
        reason=f"地址 {address}",
    )
    return user


def _login_event(action: str, username: str, address: str, what: str, user=None) -> None:
    audit.write(
        action,
        "user" if user else "username",
        user.id if user else username,
        bureau_id=user.bureau_id if user else None,
        reason=f"用户名 {username}，地址 {address}",
    )
    event(
        "accounts",
        "%s for username %r from %s",
        what,
        username,
        address,
        target=f"username:{username}",
    )


def logout(user: User, raw_session: str | None) -> None:
    sessions.end(raw_session)
    audit.write("auth.logout", "user", user.id, actor_id=user.id, bureau_id=user.bureau_id)


def change_password(user: User, old: str, new: str) -> None:
    """Change one's own password; every session of the user ends.

    The view then gives the browser that changed it a new session, so a copy of its old
    cookie is dead too.
    """
    key = f"password:user:{user.id}"
    throttle.check(key, OLD_PASSWORD_LIMIT, OLD_PASSWORD_WINDOW)
    if not user.check_password(old or ""):
        throttle.note(key)
        raise AccountError("原密码不正确。")
    check_new_password(new, user.username)
    if old == new:
        raise AccountError("新密码不能与原密码相同。")
    user.set_password(new)
    user.must_change_password = False
    ended = sessions.end_all(user.id)
    audit.write(
        "user.password",
        "user",
        user.id,
        actor_id=user.id,
        bureau_id=user.bureau_id,
        reason=f"结束会话 {ended} 个",
    )


def common_passwords() -> frozenset[str]:
    """The shipped list of the most common passwords (lower case)."""
    global _COMMON
    if _COMMON is None:
        text = (Path(__file__).with_name("common_passwords.txt")).read_text(encoding="utf-8")
        _COMMON = frozenset(
            line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
        )
    return _COMMON


def password_problems(password: str, username: str = "") -> list[str]:
    """Why this password may not be used (empty when it may)."""
    password = password or ""
    if len(password) < MIN_PASSWORD:
        return [f"密码至少 {MIN_PASSWORD} 位"]
    if username and password.lower() == username.lower():
        return ["密码不能与用户名相同"]
    if password.lower() in common_passwords():
        return ["密码过于常见，容易被猜中，请换一个"]
    return []


def check_new_password(password: str, username: str = "") -> None:
    problems = password_problems(password, username)
    if problems:
        raise AccountError("；".join(problems) + "。")


# --- roster --------------------------------------------------------------


def validate_user_data(data: UserData, *, user_id: int | None = None) -> list[str]:
    """Reasons this data cannot make a user (empty when it can)."""
    reasons = []
    if not USERNAME_RE.match(data.username or ""):
        reasons.append("用户名须为 3–50 位字母、数字、下划线、点或连字符")
    elif _taken(User.username, data.username, user_id):
        reasons.append(f"用户名 {data.username} 已存在")
    if not (data.display_name or "").strip():
        reasons.append("姓名不能为空")
    if data.role not in ROLES:
        reasons.append(f"角色 {data.role} 无效")
    if db.session.get(Bureau, data.bureau_id) is None:
        reasons.append("所属单位不存在")
    if data.cert_no:
        if not CERT_RE.match(data.cert_no):
            reasons.append(f"执法证号 {data.cert_no} 格式不正确")
        elif _taken(User.cert_no, data.cert_no, user_id):
            reasons.append(f"执法证号 {data.cert_no} 已被使用")
    if data.phone and not PHONE_RE.match(data.phone):
        reasons.append(f"手机号 {data.phone} 格式不正确")
    return reasons


def _taken(column, value, user_id: int | None) -> bool:
    stmt = select(User.id).where(column == value)
    if user_id is not None:
        stmt = stmt.where(User.id != user_id)
    return db.session.scalar(stmt) is not None


def grant_problems(actor_id: int | None, role: str, bureau_id: int | None) -> list[str]:
    """Why the actor may not manage an account of this role and bureau (see grants.py).

    No actor means the command line, run by the server's operator: allowed.
    """
    if actor_id is None:
        return []
    actor = db.session.get(User, actor_id)
    reason = grants.refusal(actor, role, bureau_id) if actor else "操作人不存在"
    return [reason] if reason else []


def require_grant(actor_id: int | None, user: User) -> None:
    """Refuse (403) unless the actor may manage this existing account."""
    problems = grant_problems(actor_id, user.role, user.bureau_id)
    if problems:
        raise NotAllowed("；".join(problems) + "。")


def create_user(
    data: UserData, *, actor_id: int | None = None, password_hash: str | None = None
) -> User:
    """Create one user; raises AccountError with every reason joined.

    An account made by an admin (``actor_id`` given) must change its password at first login.
    ``password_hash`` (a roster import's one hash of its initial password) replaces hashing.
    """
    _check_new_user(data, actor_id)
    user = User(
        username=data.username,
        display_name=data.display_name.strip(),
        role=data.role,
        bureau_id=data.bureau_id,
        cert_no=data.cert_no or None,
        phone=data.phone or None,
        must_change_password=actor_id is not None,
    )
    if password_hash:
        user.password_hash = password_hash
    else:
        user.set_password(data.password or _random_password())
    db.session.add(user)
    db.session.flush()
    _record_created(user, actor_id)
    signals.roster_changed.send("accounts", user_ids=[user.id])
    return user


def _check_new_user(data: UserData, actor_id: int | None) -> None:
    """Refuse an account the actor may not grant, or whose data or password is invalid."""
    problems = grant_problems(actor_id, data.role, data.bureau_id)
    if problems:
        raise NotAllowed("；".join(problems) + "。")
    reasons = validate_user_data(data)
    if data.password is not None:
        reasons += password_problems(data.password, data.username)
    if reasons:
        raise AccountError("；".join(reasons))


def _record_created(user: User, actor_id: int | None) -> None:
    """Audit and log a newly created account."""
    audit.write(
        "user.create",
        "user",
        user.id,
        actor_id=actor_id,
        bureau_id=user.bureau_id,
        new=_user_snapshot(user),
    )
    event(
        "accounts",
        "user %s (%s, %s) created by user %s",
        user.id,
        user.username,
        user.role,
        actor_id,
        actor_id=actor_id,
        target=f"user:{user.id}",
    )


def update_user(user: User, data: UserData, *, actor_id: int | None = None) -> User:
    """Change an account; a new role or bureau ends every session of the user."""
    require_grant(actor_id, user)
    problems = grant_problems(actor_id, data.role, data.bureau_id)
    if problems:
        raise NotAllowed("；".join(problems) + "。")
    reasons = validate_user_data(data, user_id=user.id)
    if reasons:
        raise AccountError("；".join(reasons))
    old = _user_snapshot(user)
    moved = (user.role, user.bureau_id) != (data.role, data.bureau_id)
    user.username, user.display_name, user.role = (
        data.username,
        data.display_name.strip(),
        data.role,
    )
    user.bureau_id, user.cert_no, user.phone = (
        data.bureau_id,
        data.cert_no or None,
        data.phone or None,
    )
    db.session.flush()
    audit.write(
        "user.update",
        "user",
        user.id,
        actor_id=actor_id,
        bureau_id=user.bureau_id,
        old=old,
        new=_user_snapshot(user),
    )
    if moved:
        sessions.end_all(user.id)
    signals.roster_changed.send("accounts", user_ids=[user.id])
    return user


def set_active(user: User, active: bool, *, actor_id: int | None = None) -> None:
    """Activate or deactivate an account (never one's own)."""
    if actor_id is not None and actor_id == user.id:
        raise AccountError("不能停用自己的账号。")
    require_grant(actor_id, user)
    old = _user_snapshot(user)
    user.is_active_ = active
    db.session.flush()
    if not active:
        sessions.end_all(user.id)
    audit.write(
        "user.activate" if active else "user.deactivate",
        "user",
        user.id,
        actor_id=actor_id,
        bureau_id=user.bureau_id,
        old=old,
        new=_user_snapshot(user),
    )
    event(
        "accounts",
        "user %s (%s) %s by user %s",
        user.id,
        user.username,
        "activated" if active else "deactivated",
        actor_id,
        actor_id=actor_id,
        target=f"user:{user.id}",
    )
    signals.roster_changed.send("accounts", user_ids=[user.id])


def set_backbone(user: User, specialties: list[str], *, actor_id: int | None = None) -> None:
    """Put an officer in the backbone pool (执法骨干) with specialties, or take them out ([])."""
    unknown = [s for s in specialties if s not in BACKBONE_SPECIALTIES]
    if unknown:
        raise AccountError(f"未知的骨干专长：{'、'.join(unknown)}。")
    old = user.backbone
    user.backbone = ",".join(k for k in BACKBONE_SPECIALTIES if k in specialties) or None
    if user.backbone == old:
        return
    db.session.flush()
    audit.write(
        "user.backbone",
        "user",
        user.id,
        actor_id=actor_id,
        bureau_id=user.bureau_id,
        old={"backbone": old},
        new={"backbone": user.backbone},
    )


def backbone_pool(specialty: str | None = None, bureau_id: int | None = None) -> list[User]:
    """Active officers in the backbone pool (执法骨干), by bureau then user name; only those of
    one specialty or one bureau when given. The pool is a roster attribute: the case-file review
    draws its reviewers from it, the drills their team members."""
    stmt = (
        select(User)
        .where(User.backbone.is_not(None), User.is_active_.is_(True))
        .order_by(User.bureau_id, User.username)
    )
    if bureau_id is not None:
        stmt = stmt.where(User.bureau_id == bureau_id)
    users = db.session.scalars(stmt)
    return [u for u in users if specialty is None or specialty in u.backbone_specialties]


def backbone_label(user: User) -> str:
    """ "骨干：现场检查、法制审核", or "" for an officer outside the pool."""
    names = "、".join(BACKBONE_SPECIALTIES[k] for k in user.backbone_specialties)
    return f"骨干：{names}" if names else ""


def reset_password(user: User, new_password: str, *, actor_id: int | None = None) -> None:
    """An admin sets a new password: every session ends and the user must change it at login."""
    require_grant(actor_id, user)
    check_new_password(new_password, user.username)
    user.set_password(new_password)
    user.must_change_password = actor_id is not None
    ended = sessions.end_all(user.id)
    audit.write(
        "user.reset_password",
        "user",
        user.id,
        actor_id=actor_id,
        bureau_id=user.bureau_id,
        reason=f"结束会话 {ended} 个",
    )
    event(
        "accounts",
        "password of user %s (%s) reset by user %s",
        user.id,
        user.username,
        actor_id,
        actor_id=actor_id,
        target=f"user:{user.id}",
    )


def _user_snapshot(user: User) -> dict:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "bureau_id": user.bureau_id,
        "cert_no": user.cert_no,
        "phone": user.phone,
        "is_active": user.is_active_,
    }


def _random_password() -> str:
    return secrets.token_urlsafe(12)


def users_of(
    bureau_id: int | None,
    *,
    role: str | None = None,
    include_inactive: bool = True,
    search: str = "",
) -> list[User]:
    """Users of one bureau (or all when None), ordered by bureau and username."""
    stmt = select(User).join(Bureau).order_by(Bureau.level, Bureau.code, User.role, User.username)
    if bureau_id is not None:
        stmt = stmt.where(User.bureau_id == bureau_id)
    if role:
        stmt = stmt.where(User.role == role)
    if not include_inactive:
        stmt = stmt.where(User.is_active_.is_(True))
    if search:
        like = f"%{search}%"
        stmt = stmt.where(
            User.username.ilike(like) | User.display_name.ilike(like) | User.cert_no.ilike(like)
        )
    return list(db.session.scalars(stmt))


def user_counts_by_bureau() -> dict[int, int]:
    rows = db.session.execute(select(User.bureau_id, func.count()).group_by(User.bureau_id))
    return {bureau_id: count for bureau_id, count in rows}
