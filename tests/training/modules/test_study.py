"""Study time from server-side heartbeats: only elapsed visible time, capped, one's own record."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from lianbing.extensions import db
from lianbing.host import Forbidden, NotFound
from training.modules import study
from training.modules.models import StudyRecord

# ten days ago, inside the campaign fixture (as in ../conftest.py)
T0 = (datetime.now(timezone.utc) - timedelta(days=10)).replace(
    hour=1, minute=0, second=0, microsecond=0
)


def at(minutes: float):
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def studying(app, make_module, make_user):
    module = make_module()
    officer = make_user("officer")
    record = study.open_lesson(officer, module.lessons[0], at(0))
    db.session.commit()
    return module, officer, record


def test_heartbeats_count_only_elapsed_visible_time(studying):
    module, officer, record = studying
    assert study.heartbeat(officer, record.id, True, at(0)) == 0  # the first beat starts the clock
    assert study.heartbeat(officer, record.id, True, at(0.5)) == 30
    assert study.heartbeat(officer, record.id, True, at(1)) == 30
    assert record.seconds == 60


def test_heartbeats_faster_than_real_time_gain_nothing_extra(studying):
    module, officer, record = studying
    study.heartbeat(officer, record.id, True, at(0))
    for i in range(1, 50):
        study.heartbeat(officer, record.id, True, at(0) + timedelta(seconds=i * 0.2))
    assert record.seconds <= 10
    assert (
        study.heartbeat(officer, record.id, True, at(0) + timedelta(seconds=5)) == 0
    )  # clock going back


def test_a_long_gap_credits_at_most_one_beat(studying):
    module, officer, record = studying
    study.heartbeat(officer, record.id, True, at(0))
    assert study.heartbeat(officer, record.id, True, at(30)) == study.MAX_GAP


def test_hidden_page_stops_the_clock(studying):
    module, officer, record = studying
    study.heartbeat(officer, record.id, True, at(0))
    assert study.heartbeat(officer, record.id, False, at(0.5)) == 0
    assert study.heartbeat(officer, record.id, True, at(5)) == 0  # hidden time is not counted
    assert study.heartbeat(officer, record.id, True, at(5.5)) == 30
    assert record.seconds == 30


def test_time_is_capped_per_lesson(studying):
    module, officer, record = studying
    cap = study.lesson_cap(module.lessons[0])
    for i in range(0, cap // 30 + 20):
        study.heartbeat(officer, record.id, True, at(i / 2))
    assert record.seconds == cap


def test_heartbeat_for_another_officers_record_is_refused(studying, make_user):
    module, officer, record = studying
    other = make_user("officer")
    with pytest.raises(Forbidden):
        study.heartbeat(other, record.id, True, at(1))
    with pytest.raises(NotFound):
        study.heartbeat(officer, 999999, True, at(1))


def test_lesson_of_a_module_not_assigned_is_refused(app, make_module, make_user):
    hidden = make_module(roles=("trainer",), title="培训员模块")
    draft = make_module(published=False, title="草稿")
    officer = make_user("officer")
    for module in (hidden, draft):
        with pytest.raises(Forbidden):
            study.open_lesson(officer, module.lessons[0], at(0))


def test_heartbeat_refused_once_module_is_unpublished(studying):
    module, officer, record = studying
    module.is_published = False
    with pytest.raises(Forbidden):
        study.heartbeat(officer, record.id, True, at(1))


def test_a_beat_racing_another_tab_credits_nothing(studying):
    from sqlalchemy import update

    module, officer, record = studying
    study.heartbeat(officer, record.id, True, at(0))
    # another request moved the clock after this session read the record
    db.session.execute(
        update(StudyRecord)
        .values(last_beat_at=at(0.25))
        .execution_options(synchronize_session=False)
    )
    assert study.heartbeat(officer, record.id, True, at(0.5)) == 0
    assert (
        study.heartbeat(officer, record.id, True, at(1)) == 45
    )  # counted from the other tab's beat
    assert record.seconds == 45


def test_four_tabs_on_different_lessons_credit_at_most_the_wall_time(studying):
    """One clock per officer: four tabs (two lessons, each open twice), each beating every 30 s."""
    module, officer, _ = studying
    lessons = (module.lessons * 4)[:4]
    assert len({lesson.id for lesson in lessons}) >= 2
    records = [study.open_lesson(officer, lesson, at(0)) for lesson in lessons]
    db.session.commit()
    credited = 0
    for beat in range(20):  # ten minutes of beats, the tabs 7 s apart
        for tab, record in enumerate(records):
            now = T0 + timedelta(seconds=30 * beat + 7 * tab)
            credited += study.heartbeat(officer, record.id, True, now)
            db.session.commit()
    wall = 30 * 19 + 7 * 3  # from the first beat to the last
    assert 0 < credited <= wall
    ids = {r.id for r in records}
    assert sum(db.session.get(StudyRecord, i).seconds for i in ids) == credited


def test_one_tab_alone_still_credits_its_time(studying, make_module):
    module, officer, record = studying
    study.heartbeat(officer, record.id, True, at(0))
    other = study.open_lesson(officer, module.lessons[-1], at(0))
    db.session.commit()
    study.heartbeat(officer, other.id, False, at(0.1))  # a hidden tab does not stop this clock
    assert study.heartbeat(officer, record.id, True, at(0.5)) == 30
