"""Certificates without HTTP: who qualifies, idempotent issuing, refusals, revoking, serials."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lianbing.campaign.models import Campaign
from lianbing.certificates import services
from lianbing.certificates.models import Certificate
from lianbing.certificates.qualifications import candidates
from lianbing.errors import Conflict, Forbidden, Invalid
from lianbing.extensions import db

Pick = services.Pick


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Certificate))


def u(user) -> str:
    return f"u:{user.id}"


def test_each_source_lists_exactly_who_qualifies(campaign, commended, completed, named):
    completed("officer_441402_4")
    completed("officer_441402_5", done=False)

    def holders(source):
        return sorted(c.holder_name for c in candidates(campaign, source))

    assert holders("award") == [named("officer_441402_1").display_name]
    nominated = sorted(n.user.display_name for n in commended["nominations"])
    assert holders("nomination") == nominated  # the submitted, unreviewed one is not there
    collective = commended["recs"][-1].bureau.name
    assert holders("recommendation") == sorted([*nominated, collective])
    assert holders("study") == [named("officer_441402_4").display_name]
    kinds = {c.source_type: c.kind for s in ("award", "study") for c in candidates(campaign, s)}
    assert kinds == {"award": "honor", "study": "completion"}


def test_the_collective_is_held_by_its_bureau(campaign, commended):
    collective = [c for c in candidates(campaign, "recommendation") if c.holder_bureau_id]
    assert len(collective) == 1
    assert collective[0].bureau.code == "441403" and collective[0].holder_key.startswith("b:")
    assert "县级集体" in collective[0].title


def test_issue_is_idempotent(campaign, commended, named, audits):
    city, officer = named("city_admin"), named("officer_441402_1")
    pick = Pick(f"award:{commended['award'].id}", u(officer))
    first, is_new = services.issue(campaign, city, pick)
    again, is_new_again = services.issue(campaign, city, pick)
    db.session.commit()
    assert (is_new, is_new_again) == (True, False)
    assert again.id == first.id and count() == 1
    assert audits("certificate.issue") == 1
    assert first.holder_name == officer.display_name and first.issuer_name == city.bureau.name
    assert first.kind == "honor" and "夜查偷排" in first.title


def test_serial_is_year_bureau_and_a_random_code(campaign, commended, named):
    city = named("city_admin")
    certs = [
        services.issue(campaign, city, Pick(f"nomination:{n.id}", f"u:{n.user_id}"))[0]
        for n in commended["nominations"]
    ]
    for cert in certs:
        year, code, rand = cert.serial.split("-")
        assert year == str(campaign.year) and code == cert.bureau.code
        assert rand == cert.code and re.fullmatch(r"[2-9A-HJKMNP-Z]{10}", rand)
    assert certs[0].code != certs[1].code
    assert services.by_code(certs[0].serial.lower()) == certs[0]  # a serial typed from paper
    assert services.by_code("2026-441402-AAAAAAAAAA") is None


@pytest.mark.parametrize(
    "ref, holder",
    [
        ("award:999", "officer_441402_1"),  # no such award
        ("nomination:{pending}", "officer_441402_3"),  # nominated but not accepted
        ("award:{award}", "officer_441402_2"),  # someone else's award
        ("plan:1", "officer_441402_5"),  # no completed study
    ],
)
def test_no_qualifying_result_is_refused_and_nothing_changes(
    campaign, commended, named, audits, ref, holder
):
    ref = ref.format(pending=commended["pending"].id, award=commended["award"].id)
    with pytest.raises(Conflict, match="没有符合条件的结果"):
        services.issue(campaign, named("city_admin"), Pick(ref, u(named(holder))))
    assert count() == 0 and audits("certificate.") == 0


def test_a_county_admin_issues_completion_for_its_own_people_only(
    campaign, commended, completed, named
):
    admin = named("admin_441402")
    own = completed("officer_441402_4")
    other = completed("officer_441403_2")
    cert, _ = services.issue(campaign, admin, Pick(f"plan:{own.id}", u(named("officer_441402_4"))))
    assert cert.kind == "completion" and cert.issuer_name == admin.bureau.name
    with pytest.raises(Forbidden):
        services.issue(campaign, admin, Pick(f"plan:{other.id}", u(named("officer_441403_2"))))
    with pytest.raises(Forbidden, match="荣誉证书由市局颁发"):
        services.issue(
            campaign, admin, Pick(f"award:{commended['award'].id}", u(named("officer_441402_1")))
        )


def test_issue_many_is_all_or_nothing(campaign, commended, named):
    city = named("city_admin")
    good = Pick(f"award:{commended['award'].id}", u(named("officer_441402_1")))
    bad = Pick(f"nomination:{commended['pending'].id}", u(named("officer_441402_3")))
    with pytest.raises(Conflict):
        services.issue_many(campaign, city, [good, bad])
    db.session.rollback()  # what the request lifecycle does on a refusal
    assert count() == 0
    with pytest.raises(Invalid):
        services.issue_many(campaign, city, [])
    assert len(services.issue_many(campaign, city, [good, good])) == 1


def test_revoke_then_issue_again_gives_a_new_serial(campaign, commended, named, audits):
    city = named("city_admin")
    pick = Pick(f"award:{commended['award'].id}", u(named("officer_441402_1")))
    cert, _ = services.issue(campaign, city, pick)
    with pytest.raises(Invalid, match="撤销原因"):
        services.revoke(cert, city, "  ")
    services.revoke(cert, city, "姓名有误")
    with pytest.raises(Conflict, match="已经撤销"):
        services.revoke(cert, city, "再次")
    fresh, is_new = services.issue(campaign, city, pick)
    db.session.commit()
    assert is_new and fresh.serial != cert.serial and cert.is_revoked
    assert audits("certificate.revoke") == 1 and audits("certificate.issue") == 2


def test_revoking_belongs_to_the_issuing_bureau(campaign, commended, completed, named):
    plan = completed("officer_441402_4")
    pick = Pick(f"plan:{plan.id}", u(named("officer_441402_4")))
    cert, _ = services.issue(campaign, named("city_admin"), pick)
    with pytest.raises(Forbidden):
        services.revoke(cert, named("admin_441402"), "county may not undo the city")
    assert not cert.is_revoked


def test_without_a_part_that_vouches_nothing_is_a_completion(other_app, campaign, completed):
    completed("officer_441402_4")
    bare = other_app(parts=[])
    with bare.app_context():
        assert candidates(db.session.get(Campaign, campaign.id), "study") == []
