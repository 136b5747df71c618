"""Item analysis of a quiz, computed in one pass over the stored answers with numpy and pandas.

Per question (as Moodle's statistics report): facility index, standard deviation, discrimination
index (correlation of the item's score with the rest of the test), discriminative efficiency
(that covariance over the largest covariance the two score distributions allow), option
frequencies. Per test: mean, median, SD and Cronbach's alpha (over paper slots, which every
attempt has even when questions are drawn at random).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import String, cast, func, select

from lianbing.host import db, log_event, xlsx_bytes
from quizzes import qtypes
from quizzes.models import Question
from quizzes.play import marking
from quizzes.play.display import first_line
from quizzes.play.models import Attempt, AttemptItem, Quiz

TOO_EASY, TOO_HARD, BINS = 90.0, 20.0, 10
COLUMNS = ("a", "q", "slot", "score", "points", "response", "qtype")
PACKED = ("a", "q", "slot", "score", "points", "mask")
BIT_LABELS = [(i, qtypes.letter(i)) for i in range(qtypes.MAX_OPTIONS)] + [
    (marking.TRUE_BIT, "正确"),
    (marking.FALSE_BIT, "错误"),
]
OPTION_TYPES = ("single", "multiple", "truefalse")


def _submitted(stmt, quiz_id: int):
    return stmt.join(Attempt, Attempt.id == AttemptItem.attempt_id).where(
        Attempt.quiz_id == quiz_id, Attempt.status == "submitted"
    )


def _packed(*columns):
    """The columns of every row packed by the database into one "a,b,c,...,a,b,c" string."""
    text = [cast(c, String) for c in columns]
    row = text[0]
    for part in text[1:]:
        row = row + "," + part
    return func.aggregate_strings(row, ",")


def load(quiz_id: int) -> pd.DataFrame:
    """The marks and chosen options of the quiz's submitted attempts, one row per paper item.

    Each attempt keeps its marks packed (``marking.pack_marks``, rewritten with every total), so
    10,000 papers load as 10,000 binary values joined into one numpy buffer. Attempts marked
    before packing existed are read from their items, packed by the database into one
    comma-separated string that numpy parses in C.
    """
    rows = db.session.execute(
        select(Attempt.id, Attempt.item_marks).where(
            Attempt.quiz_id == quiz_id,
            Attempt.status == "submitted",
            Attempt.item_marks.is_not(None),
        )
    ).all()
    matrix = np.vstack([_unpack(rows), _load_unpacked(quiz_id)])
    return pd.DataFrame(matrix, columns=list(PACKED))


def _unpack(rows: list[tuple[int, bytes]]) -> np.ndarray:
    """(attempt id, packed marks) rows as one float matrix with the PACKED columns."""
    marks = np.frombuffer(b"".join(bytes(r[1]) for r in rows), dtype=marking.MARKS)
    sizes = [len(r[1]) // marking.MARKS.itemsize for r in rows]
    attempts = np.repeat(np.array([r[0] for r in rows], dtype=float), sizes)
    columns = [marks[name].astype(float) for name in PACKED[1:]]
    return np.column_stack([attempts, *columns]) if len(marks) else np.empty((0, len(PACKED)))


def _load_unpacked(quiz_id: int) -> np.ndarray:
    """The items of submitted attempts without packed marks, packed by the database."""
    packed = db.session.scalar(
        _submitted(
            select(
                _packed(
                    AttemptItem.attempt_id,
                    AttemptItem.question_id,
                    AttemptItem.slot_no,
                    func.coalesce(AttemptItem.score, 0.0),
                    AttemptItem.points,
                    AttemptItem.option_mask,
                )
            ),
            quiz_id,
        ).where(Attempt.item_marks.is_(None))
    )
    width = len(PACKED)
    if not packed:
        return np.empty((0, width))
    return np.fromstring(packed, dtype=float, sep=",").reshape(-1, width)


def _count_labels(rows) -> dict[int, dict[str, int]]:
    """(question, stored answer as JSON text, count) → per question {option label: count}."""
    out: dict[int, dict[str, int]] = {}
    for q, key, count in rows:
        value = json.loads(key)
        for v in value if isinstance(value, list) else [value]:
            counts = out.setdefault(int(q), {})
            counts[_option_label(v)] = counts.get(_option_label(v), 0) + int(count)
    return out


def _mask_options(
    q_codes: np.ndarray, questions: np.ndarray, mask: np.ndarray
) -> dict[int, dict[str, int]]:
    """Option counts from the option bits: one bincount per bit."""
    bits = mask.astype(np.int64)
    out: dict[int, dict[str, int]] = {}
    for bit, label in BIT_LABELS:
        counts = np.bincount(q_codes, (bits >> bit) & 1, len(questions))
        for i in np.flatnonzero(counts):
            out.setdefault(int(questions[i]), {})[label] = int(counts[i])
    return out


def frame(rows: list[tuple]) -> pd.DataFrame:
    """Rows (attempt, question, slot, score, points, response, qtype) as columns.

    For tests and small data.
    """
    columns = list(zip(*rows)) if rows else [()] * len(COLUMNS)
    df = pd.DataFrame(
        {
            name: np.asarray(col, dtype=object if name in ("response", "qtype") else float)
            for name, col in zip(COLUMNS, columns)
        }
    )
    df["score"] = df["score"].fillna(0.0)
    return df


def analyse(df: pd.DataFrame) -> dict[str, Any]:
    """Test statistics, item statistics and the score distribution, in one vectorised pass."""
    if df.empty:
        return {"test": {"attempts": 0}, "items": [], "histogram": []}
    a_codes, attempts = pd.factorize(df["a"], sort=True)
    q_codes, questions = pd.factorize(df["q"], sort=True)
    score, points = df["score"].to_numpy(float), df["points"].to_numpy(float)
    totals, maxima = np.bincount(a_codes, score), np.bincount(a_codes, points)
    rest = totals[a_codes] - score
    x = np.divide(score, points, out=np.zeros_like(score), where=points > 0)
    stats = _item_stats(q_codes, len(questions), x, rest)
    stats["q"] = questions.to_numpy().astype(int)
    stats["slot"] = _first_slot(q_codes, df["slot"].to_numpy(float), len(questions))
    if "qtype" in df:
        stats["qtype"] = _first(q_codes, df["qtype"].to_numpy(object), len(questions))
    options = (
        _mask_options(q_codes, questions.to_numpy(), df["mask"].to_numpy())
        if "mask" in df
        else _options(df)
    )
    return {
        "test": _test(
            totals, maxima, _alpha(a_codes, df["slot"].to_numpy(float), score, len(attempts))
        ),
        "items": _describe(stats, options),
        "histogram": _histogram(totals, maxima),
    }


def _test(totals: np.ndarray, maxima: np.ndarray, alpha: float | None) -> dict[str, Any]:
    pct = np.divide(totals, maxima, out=np.zeros_like(totals), where=maxima > 0) * 100
    return {
        "attempts": int(len(totals)),
        "mean": float(totals.mean()),
        "median": float(np.median(totals)),
        "sd": float(totals.std(ddof=1)) if len(totals) > 1 else 0.0,
        "mean_pct": float(pct.mean()),
        "max": float(maxima.max()),
        "alpha": alpha,
    }


def _alpha(
    a_codes: np.ndarray, slots: np.ndarray, score: np.ndarray, n_attempts: int
) -> float | None:
    """Cronbach's alpha over paper slots, on the attempts that have every slot."""
    s_codes, s_values = pd.factorize(slots, sort=True)
    k = len(s_values)
    matrix, seen = np.zeros((n_attempts, k)), np.zeros((n_attempts, k), dtype=bool)
    np.add.at(matrix, (a_codes, s_codes), score)
    seen[a_codes, s_codes] = True
    matrix = matrix[seen.all(axis=1)]
    if k < 2 or len(matrix) < 2:
        return None
    total_var = matrix.sum(axis=1).var(ddof=1)
    return (
        float(k / (k - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / total_var))
        if total_var > 0
        else None
    )


def _item_stats(q: np.ndarray, nq: int, x: np.ndarray, rest: np.ndarray) -> dict[str, np.ndarray]:
    """Facility, SD, item-rest correlation and discriminative efficiency per question (in %)."""
    n = np.bincount(q, minlength=nq).astype(float)
    sx, sy = np.bincount(q, x, nq), np.bincount(q, rest, nq)
    mx, my = sx / n, sy / n
    var_x = np.clip(np.bincount(q, x * x, nq) / n - mx**2, 0, None)
    var_y = np.clip(np.bincount(q, rest * rest, nq) / n - my**2, 0, None)
    cov = np.bincount(q, x * rest, nq) / n - mx * my
    with np.errstate(divide="ignore", invalid="ignore"):
        disc = cov / np.sqrt(var_x * var_y)
        eff = cov / _max_cov(q, nq, x, rest, n, mx, my)
        sd = np.sqrt(var_x * n / (n - 1))
    return {
        "n": n,
        "facility": mx * 100,
        "sd": sd * 100,
        "discrimination": disc * 100,
        "efficiency": eff * 100,
    }


def _max_cov(q, nq, x, rest, n, mx, my) -> np.ndarray:
    """Largest covariance the two score lists allow: both sorted alike inside each question."""
    xs, ys = x[np.lexsort((x, q))], rest[np.lexsort((rest, q))]
    best = np.bincount(np.sort(q), xs * ys, nq) / n - mx * my
    return np.where(best > 1e-12, best, np.nan)


def _first(codes: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    out = np.empty(n, dtype=object)
    out[codes[::-1]] = values[::-1]
    return out


def _first_slot(codes: np.ndarray, slots: np.ndarray, n: int) -> np.ndarray:
    out = np.full(n, np.inf)
    np.minimum.at(out, codes, slots)
    return out


def _options(df: pd.DataFrame) -> dict[int, dict[str, int]]:
    """Option counts from answers held in the frame (small data; the database groups big data)."""
    chosen = df.loc[df["qtype"].isin(OPTION_TYPES) & df["response"].notna(), ["q", "response"]]
    keys = chosen["response"].map(lambda v: v if isinstance(v, str) else json.dumps(v))
    counts = keys.groupby([chosen["q"].to_numpy(), keys.to_numpy()]).size()
    return _count_labels((q, key, n) for (q, key), n in counts.items())


def _option_label(value: Any) -> str:
    if isinstance(value, bool):
        return "正确" if value else "错误"
    return qtypes.letter(int(value))


def _describe(stats: dict[str, np.ndarray], options: dict[int, dict[str, int]]) -> list[dict]:
    known = {
        q: (code, qtype, first_line(stem))
        for q, code, qtype, stem in db.session.execute(
            select(Question.id, Question.code, Question.qtype, Question.stem).where(
                Question.id.in_([int(q) for q in stats["q"]])
            )
        )
    }
    items = []
    for i in np.argsort(stats["slot"], kind="stable"):
        q = int(stats["q"][i])
        code, qtype, text = known.get(q, (str(q), None, ""))
        qtype = stats["qtype"][i] if "qtype" in stats else qtype
        item = {
            "question_id": q,
            "code": code,
            "text": text,
            "qtype": qtype,
            "label": qtypes.LABELS.get(qtype, qtype),
            "n": int(stats["n"][i]),
        }
        for key in ("facility", "sd", "discrimination", "efficiency"):
            value = float(stats[key][i])
            item[key] = None if not np.isfinite(value) else round(value, 2)
        item["options"] = dict(sorted(options.get(q, {}).items()))
        item["flags"] = flags(item)
        items.append(item)
    return items


def flags(item: dict) -> list[str]:
    """Warnings a trainer should read."""
    out = []
    if item["facility"] is not None and item["facility"] > TOO_EASY:
        out.append("过易")
    if item["facility"] is not None and item["facility"] < TOO_HARD:
        out.append("过难")
    if item["discrimination"] is not None and item["discrimination"] < 0:
        out.append("负区分度")
    return out


def _histogram(totals: np.ndarray, maxima: np.ndarray) -> list[tuple[str, int]]:
    pct = np.clip(
        np.divide(totals, maxima, out=np.zeros_like(totals), where=maxima > 0) * 100, 0, 100
    )
    counts, _ = np.histogram(pct, bins=BINS, range=(0, 100))
    return [(f"{i * 10}-{i * 10 + 10}", int(c)) for i, c in enumerate(counts)]


def to_excel(result: dict[str, Any], title: str) -> bytes:
    """Two sheets: test statistics and item statistics."""
    test = pd.DataFrame([{"指标": k, "值": v} for k, v in result["test"].items()])
    items = pd.DataFrame(
        [
            {
                "题号": i["code"],
                "题目": i["text"],
                "题型": i["label"],
                "作答数": i["n"],
                "难度系数(%)": i["facility"],
                "标准差(%)": i["sd"],
                "区分度(%)": i["discrimination"],
                "区分效率(%)": i["efficiency"],
                "选项分布": " ".join(f"{k}:{v}" for k, v in i["options"].items()),
                "提示": "、".join(i["flags"]),
            }
            for i in result["items"]
        ]
    )
    return xlsx_bytes({"整卷统计": test, "试题分析": items})


def export(quiz: Quiz, actor_id: int | None = None) -> bytes:
    """The quiz's item analysis as an Excel workbook; one line in the log for the operator."""
    result = analyse(load(quiz.id))
    log_event(
        "quizzes",
        "item analysis of quiz %d %r exported: %d attempts, %d questions",
        quiz.id,
        quiz.title,
        result["test"]["attempts"],
        len(result["items"]),
        actor_id=actor_id,
        target=f"quiz:{quiz.id}",
        count=len(result["items"]),
    )
    return to_excel(result, quiz.title)
