"""Item analysis of a quiz, computed in one pass over the stored answers with numpy and pandas.

Per question (as Moodle's statistics report): facility index, standard deviation, discrimination
index (correlation of the item's score with the rest of the test), discriminative efficiency
(that covariance over the largest covariance the two score distributions allow), option
frequencies. Per test: mean, median, SD and Cronbach's alpha (over paper slots, which every
attempt has even when questions are drawn at random).
"""
from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select

from lianbing.extensions import db
from quizzes import qtypes
from quizzes.models import Question, QuestionVersion
from quizzes.play.models import Attempt, AttemptItem

TOO_EASY, TOO_HARD, BINS = 90.0, 20.0, 10
OPTION_TYPES = ("single", "multiple", "truefalse")


def load(quiz_id: int) -> pd.DataFrame:
    """One row per answered paper item of the quiz's submitted attempts."""
    stmt = (select(AttemptItem.attempt_id, AttemptItem.question_id, AttemptItem.slot_no, AttemptItem.score,
                   AttemptItem.points, AttemptItem.response, QuestionVersion.qtype)
            .join(Attempt, Attempt.id == AttemptItem.attempt_id)
            .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
            .where(Attempt.quiz_id == quiz_id, Attempt.status == "submitted"))
    rows = db.session.execute(stmt).all()
    return frame(rows)


def frame(rows: list[tuple]) -> pd.DataFrame:
    cols = ["a", "q", "slot", "score", "points", "response", "qtype"]
    df = pd.DataFrame.from_records(rows, columns=cols)
    df["score"] = pd.to_numeric(df["score"], errors="coerce").fillna(0.0)
    return df


def analyse(df: pd.DataFrame) -> dict[str, Any]:
    """Test statistics, item statistics and the score distribution."""
    if df.empty:
        return {"test": {"attempts": 0}, "items": [], "histogram": []}
    totals = df.groupby("a").agg(total=("score", "sum"), max=("points", "sum"))
    df = df.join(totals["total"], on="a")
    df["rest"] = df["total"] - df["score"]
    df["x"] = df["score"] / df["points"]
    items = _items(df)
    return {"test": _test(df, totals), "items": items, "histogram": _histogram(totals)}


def _test(df: pd.DataFrame, totals: pd.DataFrame) -> dict[str, Any]:
    pct = totals["total"] / totals["max"].where(totals["max"] > 0) * 100
    return {"attempts": int(len(totals)), "mean": float(totals["total"].mean()),
            "median": float(totals["total"].median()), "sd": float(totals["total"].std(ddof=1) or 0.0),
            "mean_pct": float(pct.mean()), "max": float(totals["max"].max()), "alpha": _alpha(df)}


def _alpha(df: pd.DataFrame) -> float | None:
    """Cronbach's alpha over slots (complete attempts only)."""
    matrix = df.pivot_table(index="a", columns="slot", values="score", aggfunc="sum").dropna()
    k = matrix.shape[1]
    if k < 2 or len(matrix) < 2:
        return None
    item_var = matrix.var(axis=0, ddof=1).sum()
    total_var = matrix.sum(axis=1).var(ddof=1)
    return float(k / (k - 1) * (1 - item_var / total_var)) if total_var > 0 else None


def _items(df: pd.DataFrame) -> list[dict]:
    sums = df.assign(xy=df["x"] * df["rest"], x2=df["x"] ** 2, y2=df["rest"] ** 2).groupby("q").agg(
        n=("x", "size"), sx=("x", "sum"), sy=("rest", "sum"), sxy=("xy", "sum"), sx2=("x2", "sum"),
        sy2=("y2", "sum"), sd=("x", "std"), qtype=("qtype", "first"), slot=("slot", "min"))
    n = sums["n"]
    cov = sums["sxy"] / n - sums["sx"] * sums["sy"] / n ** 2
    var_x = (sums["sx2"] / n - (sums["sx"] / n) ** 2).clip(lower=0)
    var_y = (sums["sy2"] / n - (sums["sy"] / n) ** 2).clip(lower=0)
    disc = cov / np.sqrt(var_x * var_y)
    eff = cov / _max_cov(df)
    stats = pd.DataFrame({"n": n, "facility": sums["sx"] / n * 100, "sd": sums["sd"].fillna(0.0) * 100,
                          "discrimination": disc * 100, "efficiency": eff * 100, "qtype": sums["qtype"],
                          "slot": sums["slot"]}).replace([np.inf, -np.inf], np.nan)
    return _describe(stats, _options(df))


def _max_cov(df: pd.DataFrame) -> pd.Series:
    """Largest covariance possible: both score lists sorted the same way inside each question."""
    xs = df.sort_values(["q", "x"], kind="stable")
    ys = df.sort_values(["q", "rest"], kind="stable")
    prod = pd.Series(xs["x"].to_numpy() * ys["rest"].to_numpy(), index=xs["q"].to_numpy())
    g = prod.groupby(level=0)
    n = g.size()
    mx, my = df.groupby("q")["x"].mean(), df.groupby("q")["rest"].mean()
    return (g.sum() / n - mx * my).where(lambda s: s > 1e-12)


def _options(df: pd.DataFrame) -> dict[int, dict[str, int]]:
    """How often each option was chosen, per question (choice and true/false questions)."""
    chosen = df.loc[df["qtype"].isin(OPTION_TYPES), ["q", "response"]].explode("response").dropna()
    if chosen.empty:
        return {}
    labels = chosen["response"].map(_option_label)
    counts = labels.groupby([chosen["q"], labels]).size()
    out: dict[int, dict[str, int]] = {}
    for (q, label), count in counts.items():
        out.setdefault(int(q), {})[label] = int(count)
    return out


def _option_label(value: Any) -> str:
    if isinstance(value, bool):
        return "正确" if value else "错误"
    return qtypes.letter(int(value))


def _describe(stats: pd.DataFrame, options: dict[int, dict[str, int]]) -> list[dict]:
    codes = dict(db.session.execute(select(Question.id, Question.code).where(
        Question.id.in_([int(q) for q in stats.index]))).all())
    items = []
    for q, row in stats.sort_values("slot").iterrows():
        item = {"question_id": int(q), "code": codes.get(int(q), str(q)), "qtype": row["qtype"],
                "label": qtypes.LABELS.get(row["qtype"], row["qtype"]), "n": int(row["n"])}
        for key in ("facility", "sd", "discrimination", "efficiency"):
            item[key] = None if pd.isna(row[key]) else round(float(row[key]), 2)
        item["options"] = dict(sorted(options.get(int(q), {}).items()))
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


def _histogram(totals: pd.DataFrame) -> list[tuple[str, int]]:
    pct = (totals["total"] / totals["max"].where(totals["max"] > 0) * 100).fillna(0).clip(0, 100)
    counts, _ = np.histogram(pct, bins=BINS, range=(0, 100))
    return [(f"{i * 10}-{i * 10 + 10}", int(c)) for i, c in enumerate(counts)]


def to_excel(result: dict[str, Any], title: str) -> bytes:
    """Two sheets: test statistics and item statistics."""
    test = pd.DataFrame([{"指标": k, "值": v} for k, v in result["test"].items()])
    items = pd.DataFrame([{"题号": i["code"], "题型": i["label"], "作答数": i["n"], "难度系数(%)": i["facility"],
                           "标准差(%)": i["sd"], "区分度(%)": i["discrimination"], "区分效率(%)": i["efficiency"],
                           "选项分布": " ".join(f"{k}:{v}" for k, v in i["options"].items()),
                           "提示": "、".join(i["flags"])} for i in result["items"]])
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        test.to_excel(writer, sheet_name="整卷统计", index=False)
        items.to_excel(writer, sheet_name="试题分析", index=False)
    return buffer.getvalue()
