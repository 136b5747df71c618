"""Demo lectures: one held in the campaign's third week with a dozen officers signed in, one
next week. Idempotent."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from lianbing.host import Bureau, User, db, local_to_utc, to_local, utcnow
from training.lectures import services
from training.lectures.models import Lecture


def _at(day: date, hour: int, minutes: int = 0) -> datetime:
    return local_to_utc(datetime.combine(day, time(hour, minutes)))


#: the past session is held on this day of the campaign (0 = its first day)
PAST_DAY = 20


def load(campaign_start: date | None = None) -> None:
    """Schedule the two sessions and sign officers in to the past one, once."""
    admin = db.session.scalar(select(User).where(User.role == "city_admin").order_by(User.id))
    city = db.session.scalar(select(Bureau).where(Bureau.level == "city"))
    if admin is None or city is None or db.session.scalar(select(Lecture.id).limit(1)):
        return
    today = to_local(utcnow()).date()
    next_week = today + timedelta(days=7)
    held = (campaign_start or today - timedelta(days=60)) + timedelta(days=PAST_DAY)
    past = services.create_lecture(
        admin,
        services.LectureData(
            "新《环境保护法》配套办法解读",
            "lecture",
            _at(held, 9),
            _at(held, 11),
            "市局三楼会议室",
            "市局法制科",
            city.id,
        ),
    )
    services.create_lecture(
        admin,
        services.LectureData(
            "以案释法：暗管偷排案的证据固定",
            "case",
            _at(next_week, 14),
            _at(next_week, 16),
            "市局三楼会议室",
            "市局执法支队",
            city.id,
        ),
    )
    officers = db.session.scalars(
        select(User).where(User.role == "officer").order_by(User.id).limit(12)
    )
    for n, officer in enumerate(officers):
        services.record_attendance(officer, past, past.starts_at + timedelta(minutes=n % 4 * 5 - 5))
