"""Item analysis against hand-computed statistics (numpy, one item at a time)."""

from __future__ import annotations

import numpy as np
import pytest

from quizzes.play import analysis

# 6 attempts x 3 questions (ids 11, 12, 13), 1 point each; q13 discriminates negatively
SCORES = np.array([[1, 1, 0], [1, 1, 0], [1, 0, 0], [0, 1, 1], [1, 0, 1], [0, 0, 1]], dtype=float)
RESPONSES = {11: lambda s: 0 if s else 1, 12: lambda s: 0 if s else 2, 13: lambda s: bool(s == 1)}


def _rows():
    rows = []
    for a, line in enumerate(SCORES, 1):
        for j, q in enumerate((11, 12, 13)):
            qtype = "truefalse" if q == 13 else "single"
            rows.append((a, q, j + 1, line[j], 1.0, RESPONSES[q](line[j]), qtype))
    return rows


def test_statistics_match_hand_computation(app):
    result = analysis.analyse(analysis.frame(_rows()))
    totals = SCORES.sum(axis=1)
    assert result["test"]["attempts"] == 6
    assert result["test"]["mean"] == pytest.approx(totals.mean())
    assert result["test"]["median"] == pytest.approx(np.median(totals))
    assert result["test"]["sd"] == pytest.approx(totals.std(ddof=1))
    k = 3
    alpha = k / (k - 1) * (1 - SCORES.var(axis=0, ddof=1).sum() / totals.var(ddof=1))
    assert result["test"]["alpha"] == pytest.approx(alpha)
    items = {i["question_id"]: i for i in result["items"]}
    for j, q in enumerate((11, 12, 13)):
        x, rest = SCORES[:, j], totals - SCORES[:, j]
        assert items[q]["facility"] == pytest.approx(x.mean() * 100, abs=0.01)
        assert items[q]["sd"] == pytest.approx(x.std(ddof=1) * 100, abs=0.01)
        assert items[q]["discrimination"] == pytest.approx(
            np.corrcoef(x, rest)[0, 1] * 100, abs=0.01
        )
        cov = np.cov(x, rest, bias=True)[0, 1]
        best = np.mean(np.sort(x) * np.sort(rest)) - x.mean() * rest.mean()
        assert items[q]["efficiency"] == pytest.approx(cov / best * 100, abs=0.01)
    assert items[13]["flags"] == ["负区分度"]
    assert items[11]["options"] == {"A": 4, "B": 2}
    assert items[13]["options"] == {"正确": 3, "错误": 3}
    assert sum(c for _, c in result["histogram"]) == 6


def test_flags_easy_and_hard():
    assert analysis.flags({"facility": 95.0, "discrimination": 10.0}) == ["过易"]
    assert analysis.flags({"facility": 5.0, "discrimination": None}) == ["过难"]


def test_empty_quiz_and_excel(app):
    assert analysis.analyse(analysis.frame([]))["items"] == []
    data = analysis.to_excel(analysis.analyse(analysis.frame(_rows())), "t")
    assert data[:2] == b"PK"


def test_analysis_from_stored_answers(make_quiz, user):
    from quizzes.play import services

    quiz = make_quiz(fixed=("S00", "M01", "T00"))
    for name, answers in (
        ("officer_441402_1", (0, [0, 1], True)),
        ("officer_441402_2", (1, [1, 2], False)),
    ):
        attempt = services.start_attempt(quiz, user(name))
        for position, answer in enumerate(answers, 1):
            services.save_answer(attempt.id, user(name), position, answer)
        services.submit(attempt)
    items = {i["code"]: i for i in analysis.analyse(analysis.load(quiz.id))["items"]}
    assert items["S00"]["options"] == {"A": 1, "B": 1} and items["S00"]["facility"] == 50.0
    assert items["M01"]["options"] == {"A": 1, "B": 2, "C": 1}
    assert items["T00"]["options"] == {"正确": 1, "错误": 1}


def _analysed(quiz_id: int) -> dict:
    from lianbing.extensions import db

    db.session.expire_all()
    return analysis.analyse(analysis.load(quiz_id))


def _forget_packs() -> None:
    """As attempts marked before packed marks existed: only their items hold the marks."""
    from sqlalchemy import update

    from lianbing.extensions import db
    from quizzes.play.models import Attempt

    db.session.execute(update(Attempt).values(item_marks=None))


def test_packed_marks_give_the_numbers_the_items_give(make_quiz, user):
    """Submission, an essay grade and the fallback read from items agree to the last digit."""
    from quizzes.play import services

    quiz = make_quiz(fixed=("S00", "M01", "T00", "E01"), partial_credit=True)
    plans = {
        "officer_441402_1": (0, [0, 1], True, "答"),
        "officer_441402_2": (1, [1, 2], False, "答"),
        "officer_441402_3": (0, [0], True, None),
    }
    for name, answers in plans.items():
        attempt = services.start_attempt(quiz, user(name))
        for position, answer in enumerate(answers, 1):
            if answer is not None:
                services.save_answer(attempt.id, user(name), position, answer)
        services.submit(attempt)
    packed = _analysed(quiz.id)
    essay = services.essay_queue(quiz.id)[0]
    services.grade_essay(essay.id, 1.5, "", user("trainer"))
    graded = _analysed(quiz.id)
    assert graded != packed  # the grade reached the packed marks
    _forget_packs()
    assert _analysed(quiz.id) == graded
    assert graded["test"]["attempts"] == 3 and len(graded["items"]) == 4


def test_a_mix_of_packed_and_unpacked_attempts_reads_every_attempt(make_quiz, user):
    from quizzes.play import services

    quiz = make_quiz(fixed=("S00", "M01"))
    attempt = services.start_attempt(quiz, user("officer_441402_1"))
    services.save_answer(attempt.id, user("officer_441402_1"), 1, 0)
    services.submit(attempt)
    _forget_packs()
    attempt = services.start_attempt(quiz, user("officer_441402_2"))
    services.submit(attempt)
    result = _analysed(quiz.id)
    assert result["test"]["attempts"] == 2
    assert {i["code"]: i["facility"] for i in result["items"]} == {"S00": 50.0, "M01": 0.0}
