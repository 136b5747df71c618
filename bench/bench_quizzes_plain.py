"""Quizzes importer figures for numbered Word/text question lists.

- quizzes.import_plain_txt_2k: import_file() of a generated 2,000-question .txt list (guess the
  format, read the layouts, check, insert, commit); baseline: pandas.read_csv of the same
  questions written as a CSV (the cheapest read of the same content).
- quizzes.import_plain_docx_2k: the same list as a .docx; baseline: python-docx reading the
  document's paragraphs alone.
"""

from __future__ import annotations

import io
import time

import docx
import pandas as pd

from bench.common import bench_app, best_of, line
from lianbing.extensions import db
from quizzes import importers

N = 2_000


def generated_lines(n: int = N) -> list[str]:
    """A question list in the common layouts: single, multiple and true/false sections."""
    lines = ["一、单项选择题"]
    third = n // 3
    for i in range(1, third + 1):
        lines += [f"{i}、企业违法排放污染物的罚款如何计算（ ）？（样题 {i}）"]
        lines += [f"A、按日{i} B、按次{i}", f"C、按月{i} D、按年{i}", "答案：A"]
    lines.append("二、多项选择题")
    for i in range(1, third + 1):
        lines += [f"{i}．下列哪些属于逃避监管的方式（ ）（样题 {i}）"]
        lines += [f"A．暗管{i}\tB．渗井{i}\tC．篡改数据{i}\tD．正常排放{i} 答案：ABC"]
        lines += ["解析：见《环境保护法》第六十三条。"]
    lines.append("三、判断题")
    for i in range(1, n - 2 * third + 1):
        lines += [f"{i}、执法人员不得少于两人。（样题 {i}）", "（正确）"]
    return lines


def as_csv(n: int = N) -> bytes:
    rows = ["题型,题干,选项A,选项B,选项C,选项D,答案"]
    rows += [f"单选题,样题 {i},甲{i},乙{i},丙{i},丁{i},A" for i in range(n)]
    return "\n".join(rows).encode("utf-8")


def as_docx(lines: list[str]) -> bytes:
    document = docx.Document()
    for text in lines:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def timed_import(name: str, filename: str, data: bytes) -> float:
    times = []
    for run in range(2):
        start = time.perf_counter()
        report = importers.import_file(f"{name}-{run}", filename, data)
        db.session.commit()
        times.append(time.perf_counter() - start)
        assert report.ok and report.format == "plain" and len(report.imported) == N, report.failed[
            :3
        ]
    return min(times)


def main() -> None:
    lines = generated_lines()
    text, csv, document = "\n".join(lines).encode("utf-8"), as_csv(), as_docx(lines)
    with bench_app():
        read_csv = best_of(lambda: pd.read_csv(io.BytesIO(csv), dtype=str), repeat=3)
        line(
            "quizzes.import_plain_txt_2k",
            timed_import("plain-txt", "bench.txt", text),
            "s",
            read_csv,
            "s (pandas.read_csv of the same questions alone)",
        )
        read_docx = best_of(
            lambda: [p.text for p in docx.Document(io.BytesIO(document)).paragraphs]
        )
        line(
            "quizzes.import_plain_docx_2k",
            timed_import("plain-docx", "bench.docx", document),
            "s",
            read_docx,
            "s (python-docx paragraphs alone)",
        )


if __name__ == "__main__":
    main()
