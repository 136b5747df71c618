"""Training services without HTTP: library, study time, checks, completion, lectures, plans."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from lianbing import signals
from lianbing.extensions import db
from lianbing.markup import render_markdown
from lianbing.ledger.models import ScoreEntry
from training import importers
from training import services as svc
from training.models import Article, CheckAttempt, ModuleCompletion, StudyRecord

T0 = datetime(2017, 6, 20, 1, 0, tzinfo=timezone.utc)  # as in conftest.py


def right(module):
    return {q.id: list(q.answer) for q in module.questions}


def wrong(module):
    return {q.id: [1 - q.answer[0]] for q in module.questions}


def at(minutes: float):
    return T0 + timedelta(minutes=minutes)


# --- library -------------------------------------------------------------------

@pytest.mark.parametrize("text,number", [("二十四", 24), ("二十五", 25), ("五十九", 59), ("一百零五", 105),
                                         ("十", 10), ("十二", 12), ("一千零一", 1001), ("24", 24), ("２４", 24)])
def test_chinese_numbers(text, number):
    assert importers.chinese_number(text) == number


def test_parse_text_splits_articles_and_skips_chapters():
    text = "第一章 总则\n第一条 为了保护环境，制定本法。\n第二条　本法所称环境，是指……\n包括大气、水。\n第二章 监督管理\n第二十四条 现场检查。"
    assert importers.parse_text(text) == [(1, "为了保护环境，制定本法。"), (2, "本法所称环境，是指……\n包括大气、水。"),
                                          (24, "现场检查。")]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="第一二十百条章节 \n甲乙ABC0123", max_size=80))
def test_parse_text_never_crashes(text):
    try:
        articles = importers.parse_text(text)
    except svc.TrainingError:
        return
    assert all(isinstance(n, int) for n, _ in articles)


def test_excel_import_and_bad_rows(app):
    import io

    import pandas as pd
    buf = io.BytesIO()
    pd.DataFrame({"条号": ["第24条", "25"], "条文": ["检查", "查封"]}).to_excel(buf, index=False)
    assert importers.parse_excel(buf.getvalue()) == [(24, "检查"), (25, "查封")]
    bad = io.BytesIO()
    pd.DataFrame({"条号": ["24", "甲"], "条文": ["检查", "查封"]}).to_excel(bad, index=False)
    with pytest.raises(svc.TrainingError, match="第 3 行"):
        importers.parse_excel(bad.getvalue())
    with pytest.raises(svc.TrainingError, match="Excel"):
        importers.parse_excel(b"not a workbook")


def test_import_is_all_or_nothing(app, library):
    with pytest.raises(svc.TrainingError, match="重复"):
        svc.import_law(svc.LawData("EPL2014", "环保法"), [(24, "改过的"), (24, "又一次")])
    db.session.rollback()
    assert db.session.scalar(select(Article).where(Article.key == "EPL2014:24")).body.startswith("负有监管职责")


def test_import_refuses_bad_code(app):
    with pytest.raises(svc.TrainingError, match="法规代码"):
        svc.import_law(svc.LawData("环保:法", "环保法"), [(1, "x")])


def test_article_keys_are_stable_strings(app, library):
    assert {a.key for a in library.articles} == {"EPL2014:24", "EPL2014:25", "EPL2014:59"}
    assert svc.articles_by_keys(["EPL2014:25", "NOPE:1"])["EPL2014:25"].number == 25


@pytest.mark.parametrize("query,key", [("查封", "EPL2014:25"), ("按日连续处罚", "EPL2014:59"),
                                       ("现场检查", "EPL2014:24"), ("环境保护法", "EPL2014:24")])
def test_search_finds_articles(app, library, query, key):
    assert key in [a.key for a in svc.search(query)]


def test_search_reindexes_on_reimport_and_handles_odd_input(app, library):
    svc.import_law(svc.LawData("EPL2014", "中华人民共和国环境保护法"), [(24, "改为：限期整改通知")])
    db.session.commit()
    assert [a.key for a in svc.search("限期整改")] == ["EPL2014:24"]
    assert svc.search("负有监管职责") == []
    for odd in ['"', "%", "_", "AND OR NOT", "查*", ""]:
        assert isinstance(svc.search(odd), list)


def test_citations_expand_inline_and_missing_keys_are_refused(app, make_module):
    module = make_module()
    html = str(render_markdown(svc.expand_citations(module.lessons[1].body)))
    assert "《中华人民共和国环境保护法》第25条" in html and "查封、扣押" in html
    with pytest.raises(svc.TrainingError, match="EPL2014:99"):
        svc.save_lesson(module, svc.LessonData("x", "见 [[EPL2014:99]]", 5))


XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[点我](javascript:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<svg onload=alert(1)>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<div onclick=\"alert(1)\">x</div>",
    "![x](javascript:alert(1))",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<body onload=alert(1)>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<object data=\"data:text/html,<script>alert(1)</script>\"></object>",
]


@pytest.mark.parametrize("payload", XSS)
def test_markdown_payloads_are_neutralised(app, library, payload):
    html = str(render_markdown(svc.expand_citations(f"正文\n\n{payload}\n\n[[EPL2014:24]]"))).lower()
    for bad in ("<script", "onerror", "onload", "onclick", "javascript:", "<iframe", "<svg", "<object", "<style"):
        assert bad not in html


# --- heartbeats ----------------------------------------------------------------

@pytest.fixture
def studying(app, make_module, make_user):
    module = make_module()
    officer = make_user("officer")
    record = svc.open_lesson(officer, module.lessons[0], at(0))
    db.session.commit()
    return module, officer, record


def test_heartbeats_count_only_elapsed_visible_time(studying):
    module, officer, record = studying
    assert svc.heartbeat(officer, record.id, True, at(0)) == 0  # the first beat starts the clock
    assert svc.heartbeat(officer, record.id, True, at(0.5)) == 30
    assert svc.heartbeat(officer, record.id, True, at(1)) == 30
    assert record.seconds == 60


def test_heartbeats_faster_than_real_time_gain_nothing_extra(studying):
    module, officer, record = studying
    svc.heartbeat(officer, record.id, True, at(0))
    for i in range(1, 50):
        svc.heartbeat(officer, record.id, True, at(0) + timedelta(seconds=i * 0.2))
    assert record.seconds <= 10
    assert svc.heartbeat(officer, record.id, True, at(0) + timedelta(seconds=5)) == 0  # clock going back


def test_a_long_gap_credits_at_most_one_beat(studying):
    module, officer, record = studying
    svc.heartbeat(officer, record.id, True, at(0))
    assert svc.heartbeat(officer, record.id, True, at(30)) == svc.MAX_GAP


def test_hidden_page_stops_the_clock(studying):
    module, officer, record = studying
    svc.heartbeat(officer, record.id, True, at(0))
    assert svc.heartbeat(officer, record.id, False, at(0.5)) == 0
    assert svc.heartbeat(officer, record.id, True, at(5)) == 0  # hidden time is not counted
    assert svc.heartbeat(officer, record.id, True, at(5.5)) == 30
    assert record.seconds == 30


def test_time_is_capped_per_lesson(studying):
    module, officer, record = studying
    cap = svc.lesson_cap(module.lessons[0])
    for i in range(0, cap // 30 + 20):
        svc.heartbeat(officer, record.id, True, at(i / 2))
    assert record.seconds == cap


def test_heartbeat_for_another_officers_record_is_refused(studying, make_user):
    module, officer, record = studying
    other = make_user("officer")
    with pytest.raises(svc.Forbidden):
        svc.heartbeat(other, record.id, True, at(1))
    with pytest.raises(svc.NotFound):
        svc.heartbeat(officer, 999999, True, at(1))


def test_lesson_of_a_module_not_assigned_is_refused(app, make_module, make_user):
    hidden = make_module(roles=("trainer",), title="培训员模块")
    draft = make_module(published=False, title="草稿")
    officer = make_user("officer")
    for module in (hidden, draft):
        with pytest.raises(svc.Forbidden):
            svc.open_lesson(officer, module.lessons[0], at(0))


def test_heartbeat_refused_once_module_is_unpublished(studying):
    module, officer, record = studying
    module.is_published = False
    with pytest.raises(svc.Forbidden):
        svc.heartbeat(officer, record.id, True, at(1))


# --- checks and completion ------------------------------------------------------

def test_completion_needs_lessons_and_passed_check_and_reaches_the_ledger(app, campaign, make_module, make_user):
    module = make_module()
    officer = make_user("officer")
    sent = []
    receiver = lambda sender, **kw: sent.append(kw)  # noqa: E731
    signals.module_completed.connect(receiver)
    try:
        attempt = svc.start_check(officer, module)
        svc.submit_check(officer, attempt.id, right(module), at(1))
        assert svc.completion(officer.id, module.id) is None  # lessons not done yet
        svc.mark_done(officer, module.lessons[0], at(2))
        svc.mark_done(officer, module.lessons[1], at(3))
    finally:
        signals.module_completed.disconnect(receiver)
    assert svc.completion(officer.id, module.id).score == 1.0
    entry = db.session.scalar(select(ScoreEntry).where(ScoreEntry.user_id == officer.id))
    assert (entry.kind, entry.ref, entry.points, entry.max_points) == ("study", f"module:{module.id}", 100.0, 100.0)
    assert sent == [{"user_id": officer.id, "module_id": module.id, "campaign_id": campaign.id, "score": 1.0}]


def test_check_submitted_twice_is_refused_and_nothing_changes(app, make_module, make_user):
    module = make_module()
    officer = make_user("officer")
    attempt = svc.start_check(officer, module)
    svc.submit_check(officer, attempt.id, wrong(module), at(1))
    db.session.commit()
    with pytest.raises(svc.Conflict, match="重复提交"):
        svc.submit_check(officer, attempt.id, right(module), at(2))
    db.session.rollback()
    assert db.session.get(CheckAttempt, attempt.id).score == 0.0


def test_failed_check_can_be_retaken_passed_cannot(app, make_module, make_user):
    module = make_module()
    officer = make_user("officer")
    first = svc.start_check(officer, module)
    assert svc.start_check(officer, module).id == first.id  # open attempt is reused
    svc.submit_check(officer, first.id, wrong(module))
    second = svc.start_check(officer, module)
    assert second.number == 2
    svc.submit_check(officer, second.id, right(module))
    with pytest.raises(svc.Conflict):
        svc.start_check(officer, module)


def test_partial_credit_and_pass_mark(app, make_module, make_user):
    module = make_module()
    officer = make_user("officer")
    attempt = svc.start_check(officer, module)
    answers = right(module)
    answers[module.questions[1].id] = [1]
    svc.submit_check(officer, attempt.id, answers)
    assert attempt.score == 0.5 and not attempt.is_passed


def test_someone_elses_attempt_is_not_found(app, make_module, make_user):
    module = make_module()
    attempt = svc.start_check(make_user("officer"), module)
    with pytest.raises(svc.NotFound):
        svc.submit_check(make_user("officer"), attempt.id, right(module))


def test_module_without_check_completes_on_lessons(app, campaign, make_module, make_user):
    module = make_module(questions=False)
    officer = make_user("officer")
    for lesson in module.lessons:
        svc.mark_done(officer, lesson)
    assert svc.completion(officer.id, module.id).score is None
    [p] = svc.progress(officer, [module])
    assert (p.done, p.total, p.completed, p.resume) == (2, 2, True, None)


def test_progress_resumes_at_first_unfinished_lesson(app, make_module, make_user):
    module = make_module()
    officer = make_user("officer")
    svc.mark_done(officer, module.lessons[0])
    [p] = svc.progress(officer, [module])
    assert p.resume.id == module.lessons[1].id and p.done == 1


def test_question_validation(app, make_module):
    module = make_module(questions=False)
    for bad in [svc.QuestionData("single", "x", ("a", "b"), (0, 1)), svc.QuestionData("single", "x", ("a",), (0,)),
                svc.QuestionData("multiple", "x", ("a", "b"), (5,)), svc.QuestionData("essay", "x", ("a", "b"), (0,)),
                svc.QuestionData("single", " ", ("a", "b"), (0,))]:
        with pytest.raises(svc.TrainingError):
            svc.add_question(module, bad)


# --- lectures ------------------------------------------------------------------

def test_sign_in_during_session_counts_minutes_and_ledger(app, campaign, make_lecture, make_user):
    lecture = make_lecture(start=T0, minutes=120)
    officer = make_user("officer", "441403")
    attendance = svc.sign_in(officer, lecture.code.lower(), T0 + timedelta(minutes=30))
    assert attendance.minutes == 90
    entry = db.session.scalar(select(ScoreEntry).where(ScoreEntry.kind == "lecture"))
    assert (entry.user_id, entry.points, entry.max_points) == (officer.id, 90.0, 120.0)
    with pytest.raises(svc.Conflict, match="已经签到"):
        svc.sign_in(officer, lecture.code, T0 + timedelta(minutes=31))


@pytest.mark.parametrize("offset,message", [(-16, "尚未开始"), (121, "已经结束"), (60 * 24, "已经结束")])
def test_sign_in_outside_the_session_is_refused(app, make_lecture, make_user, offset, message):
    lecture = make_lecture(start=T0, minutes=120)
    with pytest.raises(svc.Conflict, match=message):
        svc.sign_in(make_user("officer"), lecture.code, T0 + timedelta(minutes=offset))
    assert db.session.scalar(select(func.count()).select_from(svc.Attendance)) == 0


def test_sign_in_for_another_bureaus_session_or_role_is_refused(app, make_lecture, make_user):
    county = make_lecture(bureau_code="441402")
    with pytest.raises(svc.Forbidden):
        svc.sign_in(make_user("officer", "441403"), county.code, T0)
    with pytest.raises(svc.Forbidden):
        svc.sign_in(make_user("trainer", "441402"), county.code, T0)
    assert svc.sign_in(make_user("officer", "441402"), county.code, T0 - timedelta(minutes=10)).minutes == 120
    with pytest.raises(svc.NotFound):
        svc.sign_in(make_user("officer", "441402"), "ZZZZZZ", T0)


def test_bureau_admin_schedules_only_for_own_bureau(app, make_user, make_lecture):
    make_lecture()  # creates bureaus
    admin = make_user("bureau_admin", "441402")
    other = db.session.scalar(select(svc.Bureau).where(svc.Bureau.code == "441403"))
    with pytest.raises(svc.Forbidden):
        svc.create_lecture(admin, svc.LectureData("x", "lecture", T0, T0 + timedelta(hours=1), "", "", other.id))
    with pytest.raises(svc.TrainingError, match="结束时间"):
        svc.create_lecture(admin, svc.LectureData("x", "lecture", T0, T0, "", "", admin.bureau_id))


# --- plans and dashboard -----------------------------------------------------------

def test_plans_assign_due_and_overdue(app, make_module, make_user):
    module = make_module(roles=("trainer",))
    officer = make_user("officer", "441402")
    city = make_user("city_admin", "441400")
    assert module not in svc.visible_modules(officer)
    svc.create_plan(city, svc.PlanData(module.id, "officer", None, date(2017, 7, 1)))
    assert module in svc.visible_modules(officer)
    assert [(p.module_id, late) for p, late in svc.due_items(officer, date(2017, 6, 30))] == [(module.id, False)]
    assert [(p.module_id, late) for p, late in svc.due_items(officer, date(2017, 7, 2))] == [(module.id, True)]
    assert [u.id for u, _ in svc.overdue_list(city, date(2017, 7, 2))] == [officer.id]
    for lesson in module.lessons:
        svc.mark_done(officer, lesson)
    svc.submit_check(officer, svc.start_check(officer, module).id, right(module))
    assert svc.due_items(officer, date(2017, 7, 2)) == []
    assert svc.overdue_list(city, date(2017, 7, 2)) == []


def test_bureau_admin_plans_only_own_bureau(app, make_module, make_user):
    module = make_module()
    admin = make_user("bureau_admin", "441402")
    for bureau_id in (None, admin.bureau_id + 1):
        with pytest.raises(svc.Forbidden):
            svc.create_plan(admin, svc.PlanData(module.id, "officer", bureau_id, date(2017, 7, 1)))
    assert svc.create_plan(admin, svc.PlanData(module.id, None, admin.bureau_id, date(2017, 7, 1))).id


def test_dashboard_rows_count_study_lectures_overdue_and_scope(app, campaign, make_module, make_lecture, make_user):
    module = make_module(questions=False)
    lecture = make_lecture()
    a = make_user("officer", "441402")
    idle = make_user("officer", "441402")
    far = make_user("officer", "441403")
    city = make_user("city_admin", "441400")
    svc.create_plan(city, svc.PlanData(module.id, "officer", None, date(2017, 7, 1)))
    record = svc.open_lesson(a, module.lessons[0], at(0))
    svc.heartbeat(a, record.id, True, at(0))
    svc.heartbeat(a, record.id, True, at(1))
    for lesson in module.lessons:
        svc.mark_done(a, lesson)
    svc.sign_in(far, lecture.code, T0)
    rows = {r.user.id: r for r in svc.officer_rows(city, on=date(2017, 8, 1))}
    assert (rows[a.id].completed, rows[a.id].seconds, rows[a.id].overdue, rows[a.id].started) == (1, 60, 0, True)
    assert (rows[idle.id].started, rows[idle.id].overdue) == (False, 1)
    assert (rows[far.id].lectures, rows[far.id].hours, rows[far.id].overdue) == (1, 2.0, 1)
    bureaus = {b.bureau.code: b for b in svc.bureau_rows(city, on=date(2017, 8, 1))}
    assert (bureaus["441402"].officers, bureaus["441402"].not_started, bureaus["441402"].completed) == (2, 1, 1)
    admin = make_user("bureau_admin", "441402")
    assert {r.user.id for r in svc.officer_rows(admin, on=date(2017, 8, 1))} == {a.id, idle.id}
    assert db.session.scalar(select(func.count()).select_from(ModuleCompletion)) == 1
    assert db.session.scalar(select(StudyRecord.seconds).where(StudyRecord.user_id == a.id,
                                                                StudyRecord.lesson_id == module.lessons[0].id)) == 60


def test_cli_import_law_and_bad_file(runner, tmp_path):
    good = tmp_path / "wppl.txt"
    good.write_text("第一章 总则\n第十条 排放水污染物不得超过标准。\n第三十九条 禁止私设暗管。", encoding="gb18030")
    result = runner.invoke(args=["training", "import-law", str(good), "--code", "WPPL2017", "--name", "水污染防治法",
                                 "--effective", "2018-01-01"])
    assert result.exit_code == 0, result.output
    assert [a.key for a in svc.law_by_code("WPPL2017").articles] == ["WPPL2017:10", "WPPL2017:39"]
    bad = tmp_path / "bad.txt"
    bad.write_text("第十条 甲\n第十条 乙", encoding="utf-8")
    result = runner.invoke(args=["training", "import-law", str(bad), "--code", "WPPL2017", "--name", "水污染防治法"])
    assert result.exit_code != 0 and "重复" in result.output
    assert svc.law_by_code("WPPL2017").articles[0].body == "排放水污染物不得超过标准。"


def test_a_beat_racing_another_tab_credits_nothing(studying):
    from sqlalchemy import update
    module, officer, record = studying
    svc.heartbeat(officer, record.id, True, at(0))
    # another request moved the clock after this session read the record
    db.session.execute(update(StudyRecord).values(last_beat_at=at(0.25)).execution_options(synchronize_session=False))
    assert svc.heartbeat(officer, record.id, True, at(0.5)) == 0
    assert svc.heartbeat(officer, record.id, True, at(1)) == 45  # counted from the other tab's beat
    assert record.seconds == 45


def test_a_submission_racing_another_is_refused(app, make_module, make_user):
    from sqlalchemy import update
    module = make_module()
    officer = make_user("officer")
    attempt = svc.start_check(officer, module)
    db.session.execute(update(CheckAttempt).values(submitted_at=at(1)).execution_options(synchronize_session=False))
    with pytest.raises(svc.Conflict):
        svc.submit_check(officer, attempt.id, right(module), at(2))
