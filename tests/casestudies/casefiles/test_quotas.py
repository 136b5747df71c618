"""Per-category quotas of the files a county proposes (县级自选)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casestudies.casefiles import quotas, selection
from casestudies.errors import CaseError, Conflict
from lianbing.audit.models import AuditLog
from lianbing.extensions import db

from .conftest import user


def test_a_county_proposes_up_to_the_citys_quota_per_category(make_case):
    cases = [make_case(n) for n in range(1, 4)]
    seizure = make_case(4, category="seizure")
    other = make_case(1, county="441403")
    city, admin = user("city_admin"), user("admin_441402")
    quotas.set_quotas({"general": 2, "seizure": 0}, actor_id=city.id)
    for case in cases[:2]:
        selection.select_file(case, "proposed", actor_id=admin.id)
    with pytest.raises(
        Conflict, match=r"“一般行政处罚”类案卷每个单位最多自选 2 份，梅江区?已自选 2 份"
    ):
        selection.select_file(cases[2], "proposed", actor_id=admin.id)
    with pytest.raises(Conflict, match="“查封扣押”类案卷每个单位最多自选 0 份"):
        selection.select_file(seizure, "proposed", actor_id=admin.id)
    # another county has its own count; proposing the same file again is no new proposal
    selection.select_file(other, "proposed", actor_id=user("admin_441403").id)
    selection.select_file(cases[0], "proposed", actor_id=admin.id)
    assert quotas.proposed_counts(admin.bureau_id) == {"general": 2}
    # taking one back makes room; removing the quota lifts the limit
    selection.unselect_file(cases[0], "proposed", actor_id=admin.id)
    selection.select_file(cases[2], "proposed", actor_id=admin.id)
    quotas.set_quotas({"general": None}, actor_id=city.id)
    selection.select_file(cases[0], "proposed", actor_id=admin.id)
    assert quotas.quotas() == {"seizure": 0}


def test_bad_quotas_are_refused_by_category(demo_people):
    city = user("city_admin")
    with pytest.raises(CaseError, match="“稽查”的自选限额须在 0 到 100 份之间"):
        quotas.set_quotas({"general": 3, "audit": 101}, actor_id=city.id)
    assert quotas.quotas() == {}


def test_quota_pages_refuse_with_the_category_and_audit(client, auth, make_case):
    case = make_case(1)
    auth.login("city_admin")
    bad = client.post("/casestudies/casefiles/quotas", data={"quota-daily": "两份"})
    assert "“按日连续处罚”的自选限额“两份”不是非负整数" in client.get(bad.location).get_data(
        as_text=True
    )
    assert quotas.quotas() == {}
    client.post("/casestudies/casefiles/quotas", data={"quota-general": "0"})
    page = client.get("/casestudies/casefiles/selection").get_data(as_text=True)
    assert 'id="quota-general" value="0"' in page
    auth.logout()
    auth.login("admin_441402")
    assert "限额 0 份" in client.get(f"/casestudies/casefiles/{case.id}").get_data(as_text=True)
    response = client.post(f"/casestudies/casefiles/{case.id}/propose")
    assert "最多自选 0 份" in client.get(response.location).get_data(as_text=True)
    db.session.expire_all()
    assert quotas.proposed_counts(case.bureau_id) == {}
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"casestudies.casefile.quota", "casestudies.casefile.proposed.refused"} <= actions
