"""``flask casestudies autograde``: the pre-grading engine on a plain-text record."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from casestudies.exercises.reader import FIELD_NAMES
from casestudies.exercises.records import parse_record, record_problem
from casestudies.rubrics import checks
from lianbing.host import Refused, load_json


def _fail(message: str) -> None:
    click.echo(f"错误：{message}", err=True)
    sys.exit(1)


def _read(path: str, what: str) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        _fail(
            f"{what} {path} 不是 UTF-8 文本（可能是二进制文件或 Word 文档），"
            "请另存为 UTF-8 纯文本。"
        )
    except OSError as exc:
        _fail(f"无法读取{what} {path}：{exc}")
    return text


def _load_rubric(path: str) -> checks.CompiledRubric:
    try:
        data = load_json(_read(path, "量表"), "量表")  # size and nesting depth checked first
        return checks.compile_rubric(data, complete=True)
    except checks.RubricError as exc:
        _fail(f"量表 {path} 无效：{exc}")
    except Refused as exc:  # not JSON, too large or nested too deep
        _fail(f"量表 {path}：{exc}")


def _evidence(text: str, spans: list) -> list[dict]:
    out = []
    for start, end in spans:
        line = text.count("\n", 0, start) + 1
        col = start - (text.rfind("\n", 0, start) + 1) + 1
        out.append({"line": line, "column": col, "text": text[start:end]})
    return out


def report(rubric: checks.CompiledRubric, text: str) -> dict:
    """The pre-grade with evidence as line/column/text, ready to print or dump."""
    result = checks.pregrade(rubric, parse_record(text))
    for crit in rubric.criteria:
        entry = result["criteria"][crit.data["key"]]
        entry["title"], entry["standard"] = crit.data["title"], crit.data["standard"]
        for check in entry["checks"]:
            check["evidence"] = _evidence(text, check.pop("spans"))
    return result


def _print_understood(u: dict) -> None:
    officers = "、".join(
        f"{o['name'] or '？'}（{o['cert'] or '无执法证号'}）" for o in u["officers"]
    )
    click.echo(f"读到执法人员 {len(u['officers'])} 名：{officers or '无'}")
    fields = "；".join(f"{FIELD_NAMES.get(k, k)}：{v or '（空）'}" for k, v in u["fields"].items())
    click.echo(f"读到字段 {len(u['fields'])} 项：{fields}")
    click.echo(f"读到问答 {len(u['qa'])} 组，编号条目 {u['findings']} 条")


def _print_human(result: dict) -> None:
    _print_understood(result["understood"])
    for key, c in result["criteria"].items():
        points = (
            "否决项"
            if c["veto"]
            else ("人工评定" if c["points"] is None else f"{c['points']:g}/{c['max']:g}")
        )
        flag = "✗" if c["vetoed"] or any(not ch["passed"] for ch in c["checks"]) else "✓"
        click.echo(f"{flag} [{c['standard']}] {key} {c['title']}：{points}")
        for ch in c["checks"]:
            for m in ch["messages"]:
                click.echo(f"    - {m}")
            for ev in ch["evidence"]:
                click.echo(f"    · 第 {ev['line']} 行第 {ev['column']} 列：{ev['text']}")
    veto = "（触发否决项，记 0 分）" if result["vetoed"] else ""
    click.echo(f"自动预评分合计：{result['total']:g}/{result['max']:g}{veto}")


def register(group: click.Group) -> None:
    """Attach the commands to the blueprint's CLI group."""

    @group.command("autograde")
    @click.option("--rubric", "rubric_path", required=True, help="量表 JSON 文件")
    @click.argument("record", type=click.Path(dir_okay=False))
    @click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
    def autograde(rubric_path: str, record: str, as_json: bool) -> None:
        """Apply a rubric's automatic checks to a plain-text record."""
        rubric = _load_rubric(rubric_path)
        text = _read(record, "笔录")
        problem = record_problem(text)
        if problem:
            _fail(f"{record}：{problem}，不能预评分。")
        result = report(rubric, text)
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            _print_human(result)
