"""The rubric versions a campaign uses go with it into next year's campaign at their current
(latest) version, through the host's ``campaign_copied`` signal."""

from __future__ import annotations

from casestudies.rubrics import campaigns as rubric_campaigns
from casestudies.rubrics import demo as rubrics_demo
from casestudies.rubrics import services as rubrics
from casestudies.rubrics.models import CampaignRubric
from lianbing.campaign import nextyear
from lianbing.extensions import db


def _family(actor_id: int, versions: int):
    first = rubrics.create_rubric(rubrics_demo.INSPECTION, actor_id=actor_id, complete=True)
    rows = [first]
    for n in range(2, versions + 1):
        rows.append(
            rubrics.create_rubric(
                rubrics_demo.INSPECTION,
                actor_id=actor_id,
                complete=True,
                family=first.family,
                version=n,
            )
        )
    return rows


def test_next_year_takes_the_current_version_of_the_families_in_use(
    demo_people, campaign, find_user
):
    trainer = find_user("trainer").id
    used, unused = _family(trainer, 2), _family(trainer, 1)
    db.session.add(
        CampaignRubric(campaign_id=campaign.id, family=used[0].family, rubric_id=used[0].id)
    )
    newest = rubrics.copy_rubric(used[0], actor_id=trainer, as_version=True)  # v3, after
    db.session.commit()
    made, copied = nextyear.create_next(campaign, "下一年", actor_id=None)
    assert [r.id for r in rubric_campaigns.in_use(made.id)] == [newest.id]
    assert copied["评分量表版本"] == 1 and unused[0].family not in {
        r.family for r in rubric_campaigns.in_use(made.id)
    }
    assert [r.id for r in rubric_campaigns.in_use(campaign.id)] == [used[0].id]  # unchanged


def test_a_campaign_that_recorded_none_takes_every_family_s_current_version(
    demo_people, campaign, find_user
):
    trainer = find_user("trainer").id
    one, two = _family(trainer, 3), _family(trainer, 1)
    db.session.commit()
    made, _ = nextyear.create_next(campaign, "下一年", actor_id=None)
    assert {r.id for r in rubric_campaigns.in_use(made.id)} == {one[-1].id, two[0].id}
