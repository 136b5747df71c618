"""Item analysis of 10,000 attempts x 50 questions (goal: under 2 s), beside a plain numpy pass.

Data: 50 single-choice questions, 10,000 officers answering by a one-parameter logistic model
(so that items discriminate), stored as real Attempt/AttemptItem rows. Figures: the whole
analysis (load from the database + statistics) and the statistics alone, each beside a bare
numpy pass computing facility, SD, item-rest correlations and alpha on the dense matrix.
"""

from __future__ import annotations

import time

import numpy as np
from sqlalchemy import insert, update

from bench.common import bench_app, best_of, line
from lianbing.accounts.models import Bureau, User
from lianbing.dbtypes import utcnow
from lianbing.extensions import db
from quizzes import services as bank_services
from quizzes.play import analysis, marking
from quizzes.play.models import Attempt, AttemptItem, Quiz
from quizzes.services import QuestionData

ATTEMPTS, QUESTIONS, CHUNK = 10_000, 50, 20_000
OPTIONS = [{"text": t, "weight": w} for t, w in (("甲", 1.0), ("乙", 0), ("丙", 0), ("丁", 0))]


def _seed() -> tuple[int, np.ndarray]:
    """Users, questions, a quiz and its submitted attempts; returns (quiz id, score matrix)."""
    bureau = Bureau(name="基准单位", short_name="基准", code="999999", level="county")
    db.session.add(bureau)
    db.session.flush()
    db.session.execute(
        insert(User),
        [
            {
                "username": f"b{i}",
                "display_name": f"b{i}",
                "password_hash": "x",
                "role": "officer",
                "bureau_id": bureau.id,
            }
            for i in range(ATTEMPTS)
        ],
    )
    bank = bank_services.create_bank("基准题库")
    questions = [
        bank_services.create_question(
            bank, QuestionData(qtype="single", stem=f"题 {j}", content={"options": OPTIONS})
        )
        for j in range(QUESTIONS)
    ]
    quiz = Quiz(title="基准", mode="exam", audience_ids=[], slots=[])
    db.session.add(quiz)
    db.session.flush()
    matrix = _answers()
    _insert_attempts(quiz.id, bureau.id, [(q.id, q.versions[0].id) for q in questions], matrix)
    db.session.commit()
    return quiz.id, matrix


def _answers() -> np.ndarray:
    rng = np.random.default_rng(7)
    ability, difficulty = rng.normal(size=(ATTEMPTS, 1)), rng.normal(size=(1, QUESTIONS))
    return (rng.random((ATTEMPTS, QUESTIONS)) < 1 / (1 + np.exp(difficulty - ability))).astype(
        float
    )


def _insert_attempts(
    quiz_id: int, bureau_id: int, questions: list[tuple[int, int]], matrix: np.ndarray
) -> None:
    user_ids = list(
        db.session.scalars(db.select(User.id).where(User.username.like("b%")).order_by(User.id))
    )
    qs = [q for q, _ in questions]
    attempt_ids = _insert_attempt_rows(quiz_id, bureau_id, user_ids, qs, matrix)
    _insert_in_chunks(_item_rows(attempt_ids, questions, matrix))


def _insert_attempt_rows(
    quiz_id: int, bureau_id: int, user_ids: list[int], qs: list[int], matrix: np.ndarray
) -> list[int]:
    """One submitted Attempt per user, scored from its matrix row, with its marks packed as a
    submission packs them; returns their ids in order."""
    now = utcnow()
    db.session.execute(
        insert(Attempt),
        [
            {
                "quiz_id": quiz_id,
                "user_id": u,
                "bureau_id": bureau_id,
                "number": 1,
                "status": "submitted",
                "started_at": now,
                "submitted_at": now,
                "score": float(matrix[i].sum()),
                "max_score": float(QUESTIONS),
                "seconds_used": 600.0,
                "item_marks": marking.pack_marks(
                    [
                        (q, j + 1, float(matrix[i, j]), 1.0, _mask(i, j, matrix))
                        for j, q in enumerate(qs)
                    ]
                ),
            }
            for i, u in enumerate(user_ids)
        ],
    )
    return list(
        db.session.scalars(
            db.select(Attempt.id).where(Attempt.quiz_id == quiz_id).order_by(Attempt.id)
        )
    )


def _mask(i: int, j: int, matrix: np.ndarray) -> int:
    return 1 if matrix[i, j] else 1 << (1 + (i + j) % 3)


def _item_rows(attempt_ids: list[int], questions: list[tuple[int, int]], matrix: np.ndarray):
    """AttemptItem rows: a right answer picks option 0, a wrong one of the other three."""
    return (
        {
            "attempt_id": a,
            "position": j + 1,
            "slot_no": j + 1,
            "question_id": q,
            "version_id": v,
            "points": 1.0,
            "response": 0 if matrix[i, j] else 1 + (i + j) % 3,
            "score": float(matrix[i, j]),
            "option_mask": _mask(i, j, matrix),
        }
        for i, a in enumerate(attempt_ids)
        for j, (q, v) in enumerate(questions)
    )


def _insert_in_chunks(rows) -> None:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            db.session.execute(insert(AttemptItem), batch)
            batch = []
    if batch:
        db.session.execute(insert(AttemptItem), batch)


def numpy_pass(m: np.ndarray) -> dict:
    """The bare statistics on a dense matrix: the least any implementation must do."""
    totals = m.sum(axis=1)
    rest = totals[:, None] - m
    mc, rc = m - m.mean(axis=0), rest - rest.mean(axis=0)
    corr = (mc * rc).sum(axis=0) / np.sqrt((mc**2).sum(axis=0) * (rc**2).sum(axis=0))
    k = m.shape[1]
    alpha = k / (k - 1) * (1 - m.var(axis=0, ddof=1).sum() / totals.var(ddof=1))
    return {"facility": m.mean(axis=0), "sd": m.std(axis=0, ddof=1), "disc": corr, "alpha": alpha}


def main() -> None:
    with bench_app() as app:
        backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0].split("+")[0]
        started = time.perf_counter()
        quiz_id, matrix = _seed()
        print(
            f"# {backend}: seeded {ATTEMPTS} attempts x {QUESTIONS} questions"
            f" in {time.perf_counter() - started:.1f} s"
        )
        frame = analysis.load(quiz_id)
        result = analysis.analyse(frame)
        assert abs(result["test"]["alpha"] - numpy_pass(matrix)["alpha"]) < 1e-9
        whole = best_of(lambda: analysis.analyse(analysis.load(quiz_id)))
        compute = best_of(lambda: analysis.analyse(frame))
        bare = best_of(lambda: numpy_pass(matrix))
        line(f"quizzes.item_analysis_{backend}_10k_x_50", whole, "s", bare, "s numpy pass")
        line(f"quizzes.item_analysis_compute_only_{backend}", compute, "s", bare, "s numpy pass")
        cpu = _best_cpu(lambda: analysis.analyse(analysis.load(quiz_id)))
        line(
            f"quizzes.item_analysis_cpu_{backend}",
            cpu,
            "s CPU",
            _best_cpu(lambda: numpy_pass(matrix)),
            "s CPU numpy pass",
        )
        _unpacked_figures(quiz_id, result, whole, backend)


def _best_cpu(fn) -> float:
    """The least CPU time (this process: the app, and SQLite's work) of three calls."""
    times = []
    for _ in range(3):
        started = time.process_time()
        fn()
        times.append(time.process_time() - started)
    return min(times)


def _unpacked_figures(quiz_id: int, packed: dict, whole: float, backend: str) -> None:
    """The same analysis read from the items (attempts marked before packing existed): the
    same numbers, and its time beside the packed read's."""
    db.session.execute(update(Attempt).values(item_marks=None))
    db.session.commit()
    frame = analysis.load(quiz_id)
    _same(analysis.analyse(frame), packed)
    items_read = best_of(lambda: analysis.analyse(analysis.load(quiz_id)))
    line(
        f"quizzes.item_analysis_packed_vs_items_{backend}",
        whole,
        "s",
        items_read,
        "s read from the items",
    )


def _same(a, b) -> None:
    """Equal results (floats to 1e-9: the rows arrive in another order, so sums round alike
    only to the last bits)."""
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            _same(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(a, float) and isinstance(b, float):
        assert abs(a - b) <= 1e-9 * max(1.0, abs(a)), (a, b)
    else:
        assert a == b, (a, b)


if __name__ == "__main__":
    main()
