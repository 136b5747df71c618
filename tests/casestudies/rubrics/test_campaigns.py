"""The rubric versions a campaign uses go with it into next year's campaign at their current
(latest) version, through the host's ``campaign_copied`` signal."""

from __future__ import annotations

from datetime import timedelta

from casestudies.exercises import services as exercises
from casestudies.exercises.demo import inspection_draft
from casestudies.grading import services as grading
from casestudies.rubrics import campaigns as rubric_campaigns
from casestudies.rubrics import demo as rubrics_demo
from casestudies.rubrics import services as rubrics
from casestudies.rubrics.models import CampaignRubric
from lianbing.campaign import nextyear
from lianbing.campaign import services as campaigns
from lianbing.dbtypes import utcnow
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


def _graded_then_next_year(make_exercise, campaign, find_user):
    """An exercise of this campaign graded and released; next year made and activated."""
    trainer, officer = find_user("trainer"), find_user("officer_441424_1")
    old_ex = make_exercise()
    sub = exercises.submit(old_ex, officer, inspection_draft(officer, 3))
    scores = grading.starting_scores(sub, "first")
    for value in scores.values():
        value["points"] = 5.0 if value["points"] is None else value["points"]
    grading.save_grade(sub, trainer, "first", scores, "")
    grading.release(sub, trainer, campaign.id)
    db.session.commit()
    made, _ = nextyear.create_next(campaign, "下一年", actor_id=trainer.id)
    campaigns.activate_campaign(made)
    db.session.commit()
    return old_ex, sub, made


def _exercise_data(rubric_id: int, title: str = "下一年的练习"):
    return exercises.ExerciseData(
        title=title,
        record_type="inspection",
        scenario="情景",
        people="",
        known_facts="",
        due_at=utcnow() + timedelta(days=3),
        rubric_id=rubric_id,
        is_published=True,
    )


def test_an_exercise_is_graded_by_its_campaign_s_version_and_next_year_edits_its_own(
    make_exercise, campaign, find_user
):
    trainer = find_user("trainer").id
    old_ex, sub, made = _graded_then_next_year(make_exercise, campaign, find_user)
    old_rubric, points = old_ex.rubric, sub.final_points
    [new_version] = rubric_campaigns.in_use(made.id)
    # the graded version is not handed on: next year gets a version of its own to edit
    assert new_version.family == old_rubric.family and new_version.id != old_rubric.id
    assert new_version.version == old_rubric.version + 1 and not new_version.is_locked
    rubrics.update_rubric_head(
        new_version, "下一年的量表", "inspection", new_version.total_points, actor_id=trainer
    )
    # picking last year's version still gives next year's exercise next year's
    new_ex = exercises.save_exercise(None, _exercise_data(old_rubric.id), actor_id=trainer)
    assert new_ex.campaign_id == made.id and new_ex.rubric_id == new_version.id
    assert new_ex.rubric.title == "下一年的量表"
    # last year's exercise keeps its version, its criteria and its graded result
    again = exercises.save_exercise(
        old_ex, _exercise_data(new_version.id, old_ex.title), actor_id=trainer
    )
    db.session.commit()
    assert again.rubric_id == old_rubric.id and old_rubric.title != "下一年的量表"
    assert sub.final_points == points
    assert [c["key"] for c in rubrics.criteria(old_ex.rubric)] == list(sub.pregrade["criteria"])


def test_the_first_exercise_records_the_campaign_s_version(make_exercise, campaign):
    ex = make_exercise()
    assert [r.id for r in rubric_campaigns.in_use(campaign.id)] == [ex.rubric_id]
    assert ex.campaign_id == campaign.id


def test_an_exercise_keeps_its_own_version_even_when_its_campaign_records_another(
    make_exercise, campaign, find_user
):
    """An exercise placed in a campaign after the fact (the migration gives old exercises the
    campaign active at upgrade) may still be edited with the version it was graded by."""
    old_ex, sub, made = _graded_then_next_year(make_exercise, campaign, find_user)
    own = old_ex.rubric_id
    old_ex.campaign_id = made.id
    kept = exercises.save_exercise(
        old_ex, _exercise_data(own, "改了标题"), actor_id=find_user("trainer").id
    )
    assert kept.rubric_id == own and kept.title == "改了标题"
    assert own in {r.id for r in exercises.rubric_choices(kept)}
