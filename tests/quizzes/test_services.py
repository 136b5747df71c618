"""Bank services without HTTP: questions, versions, categories, search, bulk actions."""

import pytest
from sqlalchemy import select

from lianbing.extensions import db
from quizzes import services
from quizzes.services import BankError, QuestionData, SearchQuery

TF = dict(
    qtype="truefalse",
    stem="环境保护坚持保护优先的原则。",
    content={"answer": True},
    legal_basis="《环境保护法》第五条",
    tags=["总则"],
    category="法律/环保法",
)


def test_create_question_makes_version_one_and_categories(bank):
    q = services.create_question(bank, QuestionData(**TF))
    assert q.code == "Q00001" and q.version == 1 and len(q.versions) == 1
    assert q.category.path == "法律/环保法" and q.category.parent.path == "法律"
    assert q.tag_list == ["总则"]


def test_duplicate_code_refused(bank):
    services.create_question(bank, QuestionData(code="A1", **TF))
    with pytest.raises(BankError) as err:
        services.create_question(bank, QuestionData(code="A1", **TF))
    assert err.value.status == 409 and "A1" in err.value.reasons[0]


def test_invalid_question_reasons(bank):
    with pytest.raises(BankError) as err:
        services.create_question(bank, QuestionData(qtype="truefalse", stem="", difficulty=9))
    assert "题干为空" in err.value.reasons and any("难度" in r for r in err.value.reasons)


def test_editing_unanswered_question_keeps_one_version(bank):
    q = services.create_question(bank, QuestionData(**TF))
    services.update_question(q, QuestionData(**{**TF, "stem": "改过的题干"}))
    assert q.version == 1 and services.current_version(q).stem == "改过的题干"


def test_editing_answered_question_keeps_earlier_version(bank):
    q = services.create_question(bank, QuestionData(**TF))
    first = services.current_version(q)
    services.freeze_version(first.id)
    services.update_question(q, QuestionData(**{**TF, "stem": "新题干"}))
    assert q.version == 2
    assert services.version_by_id(first.id).stem == TF["stem"]
    assert services.current_version(q).stem == "新题干"


def test_tag_only_edit_does_not_version(bank):
    q = services.create_question(bank, QuestionData(**TF))
    services.freeze_version(services.current_version(q).id)
    services.update_question(q, QuestionData(**{**TF, "tags": ["新标签"]}))
    assert q.version == 1 and q.tag_list == ["新标签"]


def test_search_by_legal_basis_tag_and_category(bank):
    services.create_question(bank, QuestionData(**TF))
    services.create_question(
        bank,
        QuestionData(
            **{
                **TF,
                "legal_basis": "《大气污染防治法》第九十九条",
                "tags": ["大气"],
                "category": "法律/大气法",
            }
        ),
    )
    assert len(services.search(bank.id, SearchQuery(legal_basis="大气污染")).items) == 1
    assert len(services.search(bank.id, SearchQuery(tag="总则")).items) == 1
    parent = services.ensure_category(bank, "法律")
    assert len(services.search(bank.id, SearchQuery(category_id=parent.id)).items) == 2
    assert (
        len(services.search(bank.id, SearchQuery(category_id=parent.id, with_children=False)).items)
        == 0
    )


def test_bulk_actions(bank):
    ids = [services.create_question(bank, QuestionData(**TF)).id for _ in range(3)]
    assert services.bulk_move(bank, ids[:2], "其他") == 2
    assert services.bulk_tag(bank, ids, "重点，易错") == 3
    assert services.bulk_set_active(bank, ids[2:], False) == 1
    qs = services.bank_questions(bank.id)
    assert [q.category.path for q in qs[:2]] == ["其他", "其他"]
    assert qs[0].tag_list == ["总则", "重点", "易错"]
    assert len(services.search(bank.id, SearchQuery(active=False)).items) == 1


def test_imports_bulk_actions_and_edits_are_audited(bank):
    from lianbing.audit.models import AuditLog

    q = services.create_question(bank, QuestionData(**TF))
    services.bulk_set_active(bank, [q.id], False, actor_id=None)
    services.update_question(q, QuestionData(**{**TF, "stem": "新"}))
    services.import_items(
        "另一题库",
        [services.ImportItem("第 2 行", QuestionData(**TF))],
        skip_invalid=False,
        fmt="csv",
    )
    actions = [row.action for row in db.session.scalars(select(AuditLog).order_by(AuditLog.id))]
    assert actions == ["quizzes.bulk_deactivate", "quizzes.question_edit", "quizzes.import"]


def test_overlong_fields_are_reasons_not_database_errors(bank):
    data = QuestionData(
        **{
            **TF,
            "tags": [f"标签{i:03d}" for i in range(100)],
            "category": "/".join(["很长的分类名"] * 90),
            "legal_basis": "条" * 301,
        }
    )
    with pytest.raises(BankError) as err:
        services.create_question(bank, data)
    assert len(err.value.reasons) == 3


def test_search_treats_percent_and_underscore_literally(bank):
    services.create_question(
        bank, QuestionData(**{**TF, "stem": "含有 100% 的题", "category": "a_b"})
    )
    services.create_question(bank, QuestionData(**{**TF, "stem": "另一题", "category": "axb/子类"}))
    assert [q.stem for q in services.search(bank.id, SearchQuery(text="100%")).items] == [
        "含有 100% 的题"
    ]
    assert services.search(bank.id, SearchQuery(text="_")).total == 0
    a_b = services.category_by_path(bank.id, "a_b")
    assert services.search(bank.id, SearchQuery(category_id=a_b.id)).total == 1
