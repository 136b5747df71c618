"""People and bureaus: authentication, lockout, roster management."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from lianbing import signals
from lianbing.accounts.models import BACKBONE_SPECIALTIES, LEVEL_CITY, Bureau, LoginFailure, User
from lianbing.audit import services as audit
from lianbing.dbtypes import utcnow
from lianbing.errors import Invalid
from lianbing.extensions import db
from lianbing.logconfig import event
from lianbing.parts import ROLES

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
    """Too many failures for this username within the lock window."""

    status = 429


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


def county_bureaus() -> list[Bureau]:
    return [b for b in all_bureaus() if not b.is_city]


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


def _lock_window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])


def is_locked(username: str) -> bool:
    """Five failures within the window lock the username for the window."""
    since = utcnow() - _lock_window()
    count = db.session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.username == username, LoginFailure.at >= since)
    )
    return count >= current_app.config["LOGIN_MAX_FAILURES"]


def authenticate(username: str, password: str) -> User:
    """The user with these credentials, or AccountError with one message for every failure."""
    username = (username or "").strip()
    if is_locked(username):
        event(
            "accounts",
            "login refused: username %r is locked",
            username[:50],
            target=f"username:{username[:50]}",
        )
        raise LoginLocked("登录失败次数过多，该账号已被锁定 15 分钟，请稍后再试。")
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.is_active or not user.check_password(password or ""):
        db.session.add(LoginFailure(username=username[:50], at=utcnow()))
        db.session.flush()
        event(
            "accounts",
            "login failed for username %r",
            username[:50],
            target=f"username:{username[:50]}",
        )
        raise LoginFailed("用户名或密码错误。")
    db.session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    return user


def change_password(user: User, old: str, new: str) -> None:
    if not user.check_password(old):
        raise AccountError("原密码不正确。")
    _check_password(new)
    user.set_password(new)
    audit.write("user.password", "user", user.id, actor_id=user.id, bureau_id=user.bureau_id)


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 位。")


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


def create_user(data: UserData, *, actor_id: int | None = None) -> User:
    """Create one user; raises AccountError with every reason joined."""
    reasons = validate_user_data(data)
    if data.password is not None:
        try:
            _check_password(data.password)
        except AccountError as exc:
            reasons.append(str(exc))
    if reasons:
        raise AccountError("；".join(reasons))
    user = User(
        username=data.username,
        display_name=data.display_name.strip(),
        role=data.role,
        bureau_id=data.bureau_id,
        cert_no=data.cert_no or None,
        phone=data.phone or None,
    )
    user.set_password(data.password or _random_password())
    db.session.add(user)
    db.session.flush()
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
    signals.roster_changed.send("accounts", user_ids=[user.id])
    return user


def update_user(user: User, data: UserData, *, actor_id: int | None = None) -> User:
    reasons = validate_user_data(data, user_id=user.id)
    if reasons:
        raise AccountError("；".join(reasons))
    old = _user_snapshot(user)
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
    signals.roster_changed.send("accounts", user_ids=[user.id])
    return user


def set_active(user: User, active: bool, *, actor_id: int | None = None) -> None:
    """Activate or deactivate an account (never one's own)."""
    if actor_id is not None and actor_id == user.id:
        raise AccountError("不能停用自己的账号。")
    old = _user_snapshot(user)
    user.is_active_ = active
    db.session.flush()
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


def reset_password(user: User, new_password: str, *, actor_id: int | None = None) -> None:
    _check_password(new_password)
    user.set_password(new_password)
    db.session.execute(delete(LoginFailure).where(LoginFailure.username == user.username))
    audit.write("user.reset_password", "user", user.id, actor_id=actor_id, bureau_id=user.bureau_id)
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
