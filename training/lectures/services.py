"""Lectures: schedule a session with a sign-in code, sign in during it, record attendance.

Services take plain data, raise the host's refusals and flush, never commit. Every
attendance reports the share of the session attended to the score ledger as the ``lecture``
activity, on the 100-point scale of the other activities (90 of 120 minutes: 75.0 / 100).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from lianbing.host import (
    ROLES,
    Bureau,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    Refused,
    ScoreNotCounted,
    User,
    active_campaign,
    check_throttle,
    db,
    declare_expected,
    log_event,
    note_failure,
    record_score,
    utcnow,
    write_audit,
)
from training.lectures.models import Attendance, Lecture
from training.rows import insert_once

#: sign-in opens this long before a session starts and closes when it ends
SIGNIN_EARLY = timedelta(minutes=15)
#: a session attended in full is worth 100 points, as a module or a quiz is
LECTURE_POINTS = 100.0
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LECTURE_KINDS = {"lecture": "法治讲座", "special": "专题培训", "case": "以案释法"}


@dataclass(frozen=True)
class LectureData:
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    place: str
    speaker: str
    bureau_id: int
    audience: tuple[str, ...] = ("officer",)


def can_manage_lecture(user, lecture: Lecture) -> bool:
    """City admins and trainers manage every session; a bureau admin its own bureau's."""
    if user.role in ("city_admin", "trainer"):
        return True
    return user.role == "bureau_admin" and user.bureau_id == lecture.bureau_id


def require_manage(user, lecture: Lecture) -> None:
    """Refuse (403) a session the user may not manage."""
    if not can_manage_lecture(user, lecture):
        raise Forbidden("你不能管理这场讲座。")


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        if not db.session.scalar(select(Lecture.id).where(Lecture.code == code)):
            return code


def _check_lecture(actor, data: LectureData) -> None:
    if not data.title.strip():
        raise Invalid("请填写讲座名称。")
    if data.kind not in LECTURE_KINDS:
        raise Invalid("未知的讲座类型。")
    if data.ends_at <= data.starts_at:
        raise Invalid("结束时间必须晚于开始时间。")
    if db.session.get(Bureau, data.bureau_id) is None:
        raise Invalid("主办单位不存在。")
    if actor.role == "bureau_admin" and data.bureau_id != actor.bureau_id:
        raise Forbidden("县级管理员只能为本单位安排讲座。")
    if not data.audience or not set(data.audience) <= set(ROLES):
        raise Invalid("请至少选择一个参加对象。")


def create_lecture(actor, data: LectureData) -> Lecture:
    """Schedule a session with a fresh sign-in code."""
    _check_lecture(actor, data)
    lecture = Lecture(
        title=data.title.strip(),
        kind=data.kind,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        place=data.place.strip(),
        speaker=data.speaker.strip(),
        bureau_id=data.bureau_id,
        audience=",".join(data.audience),
        code=_new_code(),
        created_by=actor.id,
    )
    db.session.add(lecture)
    db.session.flush()
    write_audit(
        "training.lecture_create",
        "training_lecture",
        lecture.id,
        actor_id=actor.id,
        bureau_id=data.bureau_id,
        new={"title": lecture.title},
    )
    _expect(lecture)
    return lecture


def _expect(lecture: Lecture) -> None:
    """A session for officers is expected of them: the city's of everyone, a county's of its own."""
    campaign = active_campaign()
    if campaign is None or "officer" not in lecture.roles:
        return
    bureau = db.session.get(Bureau, lecture.bureau_id)
    audience, ids = ("all", ()) if bureau.is_city else ("bureaus", (bureau.id,))
    declare_expected(
        campaign.id,
        "lecture",
        f"lecture:{lecture.id}",
        lecture.title,
        LECTURE_POINTS,
        lecture.ends_at,
        audience,
        ids,
        actor_id=lecture.created_by,
    )


def lectures_for(user) -> list[Lecture]:
    """Sessions the user may see: every session for staff, else those open to them."""
    lectures = list(db.session.scalars(select(Lecture).order_by(Lecture.starts_at.desc())))
    if user.role in ("city_admin", "trainer"):
        return lectures
    return [lec for lec in lectures if _open_to(user, lec) or can_manage_lecture(user, lec)]


def _open_to(user, lecture: Lecture) -> bool:
    bureau = db.session.get(Bureau, lecture.bureau_id)
    same_bureau = bureau.is_city or bureau.id == user.bureau_id
    return same_bureau and user.role in lecture.roles


#: wrong sign-in codes per officer within the window before sign-in is refused for a while
CODE_FAILURES, CODE_WINDOW = 10, 10 * 60


def sign_in(user, code: str, now: datetime | None = None) -> Attendance:
    """Sign in to the session whose code was typed; only during it and only for its audience."""
    now = now or utcnow()
    key = f"lecture-code:user:{user.id}"
    check_throttle(key, CODE_FAILURES, CODE_WINDOW, "签到码错误次数过多，请 10 分钟后再试。")
    try:
        return _sign_in(user, (code or "").strip().upper(), now)
    except Refused as err:
        if isinstance(err, NotFound):
            note_failure(key)
        log_event(
            "training",
            "lecture sign-in refused for user %s with code %r: %s",
            user.id,
            code,
            err,
            actor_id=user.id,
            status=err.status,
        )
        raise


def _sign_in(user, code: str, now: datetime) -> Attendance:
    lecture = db.session.scalar(select(Lecture).where(Lecture.code == code))
    if lecture is None:
        raise NotFound("签到码无效，请核对大屏上显示的签到码。")
    if not _open_to(user, lecture):
        raise Forbidden("这场讲座不面向你所在的单位或岗位，不能签到。")
    if now < lecture.starts_at - SIGNIN_EARLY:
        raise Conflict("签到尚未开始（开讲前 15 分钟开放）。")
    if now > lecture.ends_at:
        raise Conflict("讲座已经结束，签到码已失效。")
    if db.session.scalar(
        select(Attendance).where(Attendance.lecture_id == lecture.id, Attendance.user_id == user.id)
    ):
        raise Conflict("你已经签到过了。")
    return _attend(user, lecture, now)


def _attend(user, lecture: Lecture, now: datetime, actor_id: int | None = None) -> Attendance:
    start = max(now, lecture.starts_at)
    minutes = int((lecture.ends_at - start).total_seconds() // 60)
    attendance = Attendance(lecture_id=lecture.id, user_id=user.id, signed_at=now, minutes=minutes)
    if not insert_once(attendance):
        raise Conflict("你已经签到过了。")
    attendance.not_counted = None
    campaign = active_campaign()
    if campaign is not None:
        try:
            _lecture_ledger(user, lecture, attendance, campaign.id, actor_id)
        except ScoreNotCounted as refusal:
            attendance.not_counted = refusal.message
    return attendance


def _lecture_ledger(
    user, lecture: Lecture, attendance: Attendance, campaign_id: int, actor_id: int | None
) -> None:
    """The share of the session attended, on the 100-point scale every activity uses."""
    record_score(
        user.id,
        campaign_id,
        "lecture",
        f"lecture:{lecture.id}",
        lecture_points(attendance.minutes, lecture.minutes),
        LECTURE_POINTS,
        attendance.signed_at,
        {"lecture_id": lecture.id, "minutes": attendance.minutes},
        title=f"{LECTURE_KINDS[lecture.kind]}：{lecture.title}",
        actor_id=actor_id or user.id,
    )


def lecture_points(minutes: int, of: int) -> float:
    """Minutes attended out of the session's, as points out of 100 (one decimal)."""
    return round(LECTURE_POINTS * min(max(minutes, 0), of) / of, 1) if of > 0 else 0.0


def record_attendance(
    user, lecture: Lecture, signed_at: datetime, actor_id: int | None = None
) -> Attendance:
    """Attendance entered afterwards (demo data, paper lists); same audience rules as sign-in."""
    if not _open_to(user, lecture):
        raise Forbidden(f"{user.display_name} 不在这场讲座的参加范围内。")
    return _attend(user, lecture, signed_at, actor_id)


def add_attendance(actor, lecture: Lecture, username: str) -> Attendance:
    """An organizer records someone present from the paper list (counted from the start)."""
    require_manage(actor, lecture)
    user = db.session.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None or not user.is_active:
        raise NotFound(f"找不到用户“{username}”。")
    if actor.role == "bureau_admin" and user.bureau_id != actor.bureau_id:
        raise Forbidden("县级管理员只能补录本单位人员。")
    if lecture.starts_at > utcnow():
        raise Conflict("讲座尚未开始，不能补录签到。")
    if db.session.scalar(
        select(Attendance.id).where(
            Attendance.lecture_id == lecture.id, Attendance.user_id == user.id
        )
    ):
        raise Conflict(f"{user.display_name} 已经签到过了。")
    attendance = record_attendance(user, lecture, lecture.starts_at, actor.id)
    log_event(
        "training",
        "attendance of user %s at lecture %s entered by user %s",
        user.id,
        lecture.id,
        actor.id,
        actor_id=actor.id,
        target=f"training_lecture:{lecture.id}",
    )
    return attendance


def lecture_minutes(user_id: int) -> tuple[int, int]:
    """Sessions attended and minutes counted for one person."""
    count, minutes = db.session.execute(
        select(func.count(Attendance.id), func.sum(Attendance.minutes)).where(
            Attendance.user_id == user_id
        )
    ).one()
    return count, int(minutes or 0)
