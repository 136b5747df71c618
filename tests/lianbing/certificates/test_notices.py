"""A certificate issued reaches its holder through ``flask notify run``: in the notification
centre always, by e-mail as the holder's settings say."""

from __future__ import annotations

from sqlalchemy import select

from lianbing.certificates import services
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from lianbing.notify.cli import run_once
from lianbing.notify.models import Notification, NotifyPrefs

Pick = services.Pick


def _notices(user) -> list[str]:
    stmt = select(Notification.title).where(
        Notification.user_id == user.id, Notification.event_key.startswith("certificate:")
    )
    return list(db.session.scalars(stmt))


def _issue(campaign, named, source_ref: str, holder_key: str):
    cert, _ = services.issue(campaign, named("city_admin"), Pick(source_ref, holder_key))
    return cert


def test_the_holder_hears_of_a_certificate_once_by_their_own_channels(
    campaign, commended, named, smtp_server
):
    award_holder, muted = named("officer_441402_1"), named("officer_441402_2")
    award_holder.email, muted.email = "a@county.example", "m@county.example"
    db.session.add(NotifyPrefs(user_id=muted.id, email_on=False, digest=False))
    award = _issue(campaign, named, f"award:{commended['award'].id}", f"u:{award_holder.id}")
    nomination = commended["nominations"][0]
    _issue(campaign, named, f"nomination:{nomination.id}", f"u:{muted.id}")
    db.session.commit()

    run_once(utcnow())
    run_once(utcnow())

    title = f"您获得荣誉证书：{award.title}"
    assert _notices(award_holder) == [title]
    [mail] = smtp_server.to("a@county.example")
    assert mail["Subject"] == title and award.serial in mail.get_content()
    assert len(_notices(muted)) == 1 and smtp_server.to("m@county.example") == []
    assert _notices(named("officer_441402_3")) == []


def test_a_collective_certificate_goes_to_its_bureau_admins(campaign, commended, named):
    county = commended["recs"][-1].bureau
    _issue(campaign, named, f"recommendation:{commended['recs'][-1].id}", f"b:{county.id}")
    db.session.commit()
    run_once(utcnow())
    assert len(_notices(named(f"admin_{county.code}"))) == 1
    assert _notices(named("admin_441402")) == []


def test_a_certificate_revoked_before_the_run_is_not_announced(campaign, commended, named):
    holder = named("officer_441402_1")
    cert = _issue(campaign, named, f"award:{commended['award'].id}", f"u:{holder.id}")
    services.revoke(cert, named("city_admin"), "颁发有误")
    db.session.commit()
    run_once(utcnow())
    assert _notices(holder) == []
