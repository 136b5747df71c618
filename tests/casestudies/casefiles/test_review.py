"""Review tables, selection, the backbone pool, cross-review, results and the province exports."""

from __future__ import annotations

import io
import json
import zipfile
from copy import deepcopy

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from casestudies.casefiles import (
    assign,
    exporters,
    pool,
    results,
    review,
    selection,
    services,
    tables,
    third,
)
from casestudies.casefiles.demo import DEMO_TABLE
from casestudies.casefiles.models import CaseResult, CaseReview
from casestudies.errors import CaseError, Conflict
from lianbing.audit.models import AuditLog
from lianbing.extensions import db
from lianbing.ledger.models import ScoreEntry

from .conftest import PDF, user


def test_table_validation_names_the_item():
    bad = deepcopy(DEMO_TABLE)
    bad["items"][2]["stage"] = "喝茶"
    with pytest.raises(tables.TableError, match=r"卷面评查项第 3 项（P3）：环节“喝茶”"):
        tables.validate(bad)
    bad = deepcopy(DEMO_TABLE)
    bad["items"][0]["points"] = 9
    with pytest.raises(tables.TableError, match="合计 101 分，与总分 100 分不符"):
        tables.validate(bad)
    bad = deepcopy(DEMO_TABLE)
    bad["bonus"][1]["key"] = "B1"
    with pytest.raises(tables.TableError, match="加分项第 2 项（B1）：编号 B1 重复"):
        tables.validate(bad)


def test_table_round_trips_through_json_and_locks_on_use(demo_people):
    admin = user("city_admin")
    table = tables.create_table(DEMO_TABLE, actor_id=admin.id)
    raw = json.dumps(tables.export_data(table), ensure_ascii=False).encode()
    again = tables.import_table(raw, actor_id=admin.id)
    assert tables.export_data(again) | {"version": 1} == tables.export_data(table)
    tables.lock(table)
    with pytest.raises(Conflict, match="已锁定"):
        tables.update_table(table, DEMO_TABLE, actor_id=admin.id)
    assert tables.new_version(table, actor_id=admin.id).version == 2
    with pytest.raises(tables.TableError, match="不是有效的 JSON"):
        tables.import_table(b"{oops", actor_id=admin.id)


def test_draw_is_reproducible_from_its_seed(make_case):
    cases = [make_case(n) for n in range(1, 8)]
    admin = user("city_admin")
    row = selection.draw(cases[0].bureau_id, 2, actor_id=admin.id, seed="abc")
    assert len(row.drawn) == 2 and selection.replay(row)
    assert selection.draw_sample(row.pool, 2, "abc") == row.drawn
    drawn = {c.id for c in selection.selected("drawn")}
    assert drawn == set(row.drawn)
    # a second draw takes only files not yet drawn
    second = selection.draw(cases[0].bureau_id, 5, actor_id=admin.id, seed="x")
    assert not set(second.drawn) & set(row.drawn)
    with pytest.raises(CaseError, match="没有可供抽取"):
        selection.draw(cases[0].bureau_id, 1, actor_id=admin.id)


def test_plan_never_uses_the_files_county_or_its_officers_and_spreads_load():
    reviewers = [assign.ReviewerInfo(i, i % 9) for i in range(1, 28)]
    files = [assign.FileInfo(1000 + n, n % 9, frozenset({(n % 27) + 1})) for n in range(270)]
    plan = assign.plan(files, reviewers, seed=1)
    assert assign.violations(plan, files, reviewers) == 0
    assert all(len(set(ids)) == 2 for ids in plan.values())
    low, high = assign.spread(plan, reviewers)
    assert high - low <= 2
    assert assign.violations(assign.naive_plan(files, reviewers), files, reviewers) > 0


def _backbone(*names):
    for n in names:
        pool.mark(user(n), ["review"], actor_id=user("city_admin").id)


@pytest.fixture
def reviewed_world(make_case, campaign):
    """Two files of 梅江 reviewed by a group drawn from other counties."""
    a, b = make_case(1), make_case(2)
    _backbone("officer_441403_1", "officer_441422_1", "officer_441423_1")
    admin = user("city_admin")
    table = tables.create_table(DEMO_TABLE, actor_id=admin.id)
    group = review.create_group(
        review.GroupData(
            "第一组",
            user("officer_441423_1").id,
            [user("officer_441403_1").id, user("officer_441422_1").id],
            table.id,
            tolerance=5,
        ),
        actor_id=admin.id,
    )
    review.assign_files(group, [a, b], actor_id=admin.id)
    db.session.commit()
    return a, b, group


def _sheet(**over):
    items = {k: {"points": v} for k, v in over.items() if not k.startswith("S")}
    items |= {k: v for k, v in over.items() if k.startswith("S")}
    return review.Sheet(items)


def test_reviewers_are_from_other_counties_and_scores_settle(reviewed_world):
    a, b, group = reviewed_world
    reviews = review.reviews_of(a.id)
    assert len(reviews) == 2
    assert all(r.reviewer.bureau_id != a.bureau_id for r in reviews)
    # within tolerance: final, the average
    review.submit_review(reviews[0], _sheet(P1=6), actor_id=reviews[0].reviewer_id)
    assert db.session.get(CaseResult, a.id).status == "open"
    review.submit_review(reviews[1], _sheet(P1=7, B1=2), actor_id=reviews[1].reviewer_id)
    result = db.session.get(CaseResult, a.id)  # (98 + 101) / 2
    assert result.status == "final" and result.total == pytest.approx(99.5) and result.passed
    entries = db.session.scalars(select(ScoreEntry).where(ScoreEntry.kind == "case_file")).all()
    assert {e.user_id for e in entries} == {u.id for u in a.officers}
    assert all(e.points == pytest.approx(99.5) and e.max_points == 100 for e in entries)
    with pytest.raises(Conflict, match="已经提交过"):
        review.submit_review(reviews[0], _sheet(), actor_id=reviews[0].reviewer_id)


def test_disagreement_goes_to_the_leader_and_a_veto_fails_the_file(reviewed_world):
    a, b, group = reviewed_world
    first, second = review.reviews_of(b.id)
    review.submit_review(
        first,
        _sheet(P2=2, S3={"failed": True, "comment": "无监测报告"}),
        actor_id=first.reviewer_id,
    )
    review.submit_review(second, _sheet(), actor_id=second.reviewer_id)
    result = db.session.get(CaseResult, b.id)
    assert result.status == "reconcile"
    assert result in review.to_reconcile(group.leader_id)
    with pytest.raises(CaseError, match="只有评查组组长"):
        review.reconcile(result, _sheet(), actor_id=first.reviewer_id)
    review.reconcile(
        result,
        _sheet(P2=4, S3={"failed": True, "comment": "缺少监测报告"}),
        actor_id=group.leader_id,
    )
    assert result.status == "final" and result.passed is False
    assert "主要证据缺失" in result.fail_reason and "缺少监测报告" in result.fail_reason
    entry = db.session.scalar(select(ScoreEntry).where(ScoreEntry.ref == f"casefile:{b.id}"))
    assert entry.points == 0


def test_refusals_name_the_item_and_the_rule(reviewed_world):
    a, b, group = reviewed_world
    first = review.reviews_of(a.id)[0]
    with pytest.raises(CaseError, match=r"P1“立案审批表齐全.*”的得分 9 超出 0 到 8 分"):
        review.submit_review(first, _sheet(P1=9), actor_id=first.reviewer_id)
    with pytest.raises(CaseError, match="须写明理由"):
        review.submit_review(first, _sheet(S1={"failed": True}), actor_id=first.reviewer_id)
    with pytest.raises(CaseError, match="不是分配给你的"):
        review.submit_review(first, _sheet(), actor_id=user("city_admin").id)
    with pytest.raises(CaseError, match="同属一个单位"):
        review.check_reviewer(a, user("officer_441402_3"))
    # a handling officer who has since moved to another county is still refused
    officer = a.officers[0]
    officer.bureau_id = user("officer_441403_1").bureau_id
    with pytest.raises(CaseError, match="承办人员"):
        review.check_reviewer(a, officer)
    db.session.rollback()
    assert db.session.get(CaseReview, first.id).status == "assigned"


def test_group_members_come_from_the_backbone_pool(make_case):
    admin = user("city_admin")
    table = tables.create_table(DEMO_TABLE, actor_id=admin.id)
    data = review.GroupData("组", user("officer_441403_1").id, [], table.id)
    with pytest.raises(CaseError, match="执法骨干库"):
        review.create_group(data, actor_id=admin.id)


def test_results_exports_and_package(reviewed_world, store_dir):
    a, b, group = reviewed_world
    for case in (a, b):
        for r in review.reviews_of(case.id):
            review.submit_review(r, _sheet(P7=10), actor_id=r.reviewer_id)
    services.add_document(
        a,
        services.Upload(io.BytesIO(PDF), "决定书.pdf", "decision", 2),
        actor_id=user("admin_441402").id,
    )
    rep = results.report()
    assert rep.city.count == 2 and rep.city.average == 96.0 and rep.city.pass_rate == 100
    assert rep.counties[0].lost_by_stage["决定"] == 8
    assert rep.problems[0][0].startswith("P7")
    sheet = Document(io.BytesIO(exporters.review_sheet_docx(a, db.session.get(CaseResult, a.id))))
    assert abs(sheet.sections[0].page_width.cm - 21) < 0.01
    assert any(a.case_no in c.text for t in sheet.tables for row in t.rows for c in row.cells)
    book = load_workbook(io.BytesIO(exporters.summary_xlsx(rep)))
    assert book["县区汇总"]["C2"].value == 96.0
    spool = exporters.package_zip(
        [(a, db.session.get(CaseResult, a.id))], exporters.summary_xlsx(rep)
    )
    names = zipfile.ZipFile(spool).namelist()
    assert "案卷评查汇总.xlsx" in names
    assert any(n.endswith("决定书.pdf") for n in names) and any("评查单" in n for n in names)


def test_pool_export_lists_specialties(demo_people):
    pool.mark(user("officer_441403_1"), ["review", "legal"], actor_id=user("city_admin").id)
    book = load_workbook(io.BytesIO(pool.export_pool()))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][-3:] == ("案卷评查", "现场检查", "法制审核")
    assert rows[1][1] == "officer_441403_1" and rows[1][-3:] == ("✓", None, "✓")


def test_review_form_refuses_with_reason_keeps_nothing_and_audits(client, auth, reviewed_world):
    a, b, group = reviewed_world
    first = review.reviews_of(a.id)[0]
    auth.login(first.reviewer.username)
    url = f"/casestudies/casefiles/reviews/{first.id}"
    response = client.post(url, data={"P1-points": "9"})
    assert "超出 0 到 8 分" in client.get(response.location).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CaseReview, first.id).status == "assigned"
    note = db.session.scalar(
        select(AuditLog).where(AuditLog.action == "casestudies.casefile.review.refused")
    )
    assert note is not None and "超出" in note.reason
    assert client.post(url, data={"P1-points": "7"}).status_code == 302
    response = client.post(url, data={"P1-points": "6"})
    assert "已经提交过" in client.get(response.location).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CaseReview, first.id).total == 99  # the first submission stands
    theirs = review.reviews_of(a.id)[1]  # the other reviewer's sheet is not shown
    assert client.get(f"/casestudies/casefiles/reviews/{theirs.id}").status_code == 403


def _disputed(reviewed_world):
    """File b: its two reviewers differ by 20 points (tolerance 5)."""
    a, b, group = reviewed_world
    first, second = review.reviews_of(b.id)
    review.submit_review(first, _sheet(P2=2, P3=2), actor_id=first.reviewer_id)
    review.submit_review(second, _sheet(), actor_id=second.reviewer_id)
    assert db.session.get(CaseResult, b.id).status == "reconcile"
    return b, group


def test_a_third_reviewer_settles_a_disagreement_with_the_closer_sheet(reviewed_world):
    a, b, group = reviewed_world
    leader = db.session.get(type(user("city_admin")), group.leader_id)
    with pytest.raises(Conflict, match="没有超出允许分差的分歧"):
        third.add_reviewer(a, user("officer_441424_1"), actor=leader)
    b, group = _disputed(reviewed_world)
    _backbone("officer_441424_1")
    assert user("officer_441424_1") in third.candidates(b)
    assert not {u.id for u in third.candidates(b)} & {
        r.reviewer_id for r in review.reviews_of(b.id)
    }
    extra = third.add_reviewer(b, user("officer_441424_1"), actor=leader)
    assert db.session.get(CaseResult, b.id).status == "open"
    review.submit_review(extra, _sheet(P2=11), actor_id=extra.reviewer_id)  # 99, near the 100
    result = db.session.get(CaseResult, b.id)
    assert result.status == "final" and result.total == pytest.approx(99.5)
    note = db.session.scalar(
        select(AuditLog).where(AuditLog.action == "casestudies.casefile.add_reviewer")
    )
    assert note.actor_id == leader.id and note.new == {"reviewer": extra.reviewer_id}


def test_a_third_reviewer_is_refused_by_rule(reviewed_world):
    b, group = _disputed(reviewed_world)
    city = user("city_admin")
    assigned = review.reviews_of(b.id)[0].reviewer
    with pytest.raises(Conflict, match="已是案卷"):
        third.add_reviewer(b, assigned, actor=city)
    _backbone("officer_441402_3")
    with pytest.raises(CaseError, match="同属一个单位"):
        third.add_reviewer(b, user("officer_441402_3"), actor=city)
    with pytest.raises(CaseError, match="执法骨干库"):
        third.add_reviewer(b, user("officer_441427_1"), actor=city)
    with pytest.raises(CaseError, match="只有评查组组长或市局"):
        third.add_reviewer(b, user("officer_441427_1"), actor=user("officer_441424_2"))
    assert len(review.reviews_of(b.id)) == 2


def test_the_city_adds_a_third_reviewer_from_the_selection_page(client, auth, reviewed_world):
    b, group = _disputed(reviewed_world)
    _backbone("officer_441424_1")
    db.session.commit()
    auth.login("officer_441422_1")  # a reviewer, not the leader: no such action
    url = f"/casestudies/casefiles/{b.id}/third-reviewer"
    assert client.post(url, data={"reviewer_id": user("officer_441424_1").id}).status_code == 403
    auth.logout()
    auth.login("city_admin")
    page = client.get("/casestudies/casefiles/selection").get_data(as_text=True)
    assert 'id="disputed"' in page and b.case_no in page
    bad = client.post(url, data={"reviewer_id": user("officer_441402_3").id})
    assert "同属一个单位" in client.get(bad.location).get_data(as_text=True)
    assert client.post(url, data={"reviewer_id": user("officer_441424_1").id}).status_code == 302
    db.session.expire_all()
    assert user("officer_441424_1").id in third.assigned_ids(b.id)
    refused = db.session.scalar(
        select(AuditLog).where(AuditLog.action == "casestudies.casefile.add_reviewer.refused")
    )
    assert refused is not None and "同属一个单位" in refused.reason


def test_each_group_has_its_own_assign_button_without_inline_script(client, auth, make_case):
    admin = user("city_admin")
    selection.select_file(make_case(1), "proposed", actor_id=user("admin_441402").id)
    _backbone("officer_441403_1", "officer_441422_1")
    table = tables.create_table(DEMO_TABLE, actor_id=admin.id)
    leader = user("officer_441403_1").id
    groups = [
        review.create_group(review.GroupData(n, leader, [], table.id), actor_id=admin.id)
        for n in ("甲组", "乙组")
    ]
    db.session.commit()
    auth.login("city_admin")
    page = client.get("/casestudies/casefiles/selection").get_data(as_text=True)
    for g in groups:
        assert f'formaction="/casestudies/casefiles/groups/{g.id}/assign">分配给{g.name}' in page
    assert "onchange=" not in page
