"""Automatic checks: a base class, a registry keyed by type name, rubric validation and the pre-grade.

A rubric is plain data (the JSON export format)::

    {"title": ..., "record_type": "inspection", "total_points": 100,
     "criteria": [{"key": "P1", "standard": "程序合法", "title": ..., "mode": "levels",
                   "max_points": 10, "levels": [{"points": 10, "descriptor": ...}],
                   "veto": false, "checks": [{"type": "mentions", "patterns": [...]}]}]}

``compile_rubric`` validates it (raising ``RubricError`` that names the criterion) and
builds the check objects once; ``pregrade`` runs them against a parsed record.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from bench._old_pregrade.records import FIELDS, FOOT, INTERVIEWEE, ParsedRecord, parse_time
from lianbing.host import Invalid

STANDARDS = ("程序合法", "内容完整", "重点突出", "逻辑严密", "表述准确客观")
MODES = {"levels": "分级描述", "guide": "评分指引（满分+评语）"}
KEY_RE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
FIELD_LABELS = dict(FIELDS["inspection"] + INTERVIEWEE + FOOT)
MAX_SPANS = 40


class RubricError(Invalid):
    """A rubric that cannot be saved (400); ``criterion`` names the failing criterion when there is one."""

    def __init__(self, message: str, criterion: str | None = None):
        super().__init__(message)
        self.criterion = criterion


@dataclass
class Outcome:
    """What one check found: passed or not, evidence spans and messages for people."""

    passed: bool
    spans: list[tuple[int, int]] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def _regex(pattern, what: str) -> re.Pattern:
    if not isinstance(pattern, str) or not pattern:
        raise ValueError(f"{what}不能为空")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{what}“{pattern}”不是有效的正则表达式（{exc}）") from exc


def _labelled(items, what: str) -> list[tuple[str, re.Pattern]]:
    if not isinstance(items, list) or not items:
        raise ValueError(f"至少需要一个{what}")
    out = []
    for item in items:
        if not isinstance(item, dict) or not str(item.get("label", "")).strip():
            raise ValueError(f"每个{what}都需要 label 与 regex")
        out.append((item["label"], _regex(item.get("regex"), f"{what}“{item['label']}”的 regex ")))
    return out


class Check:
    """Base class: subclasses set ``type``, ``label``, ``example`` and implement ``run``."""

    type = ""
    label = ""
    example: dict = {}

    def __init__(self, params: dict):
        self.params = params

    def run(self, record: ParsedRecord) -> Outcome:
        raise NotImplementedError


class FieldPresent(Check):
    type, label = "field_present", "表头字段已填写（可选格式）"
    example = {"type": "field_present", "fields": ["unit", "legal_rep", "contact"], "pattern": ""}

    def __init__(self, params):
        super().__init__(params)
        self.fields = params.get("fields")
        if not isinstance(self.fields, list) or not self.fields:
            raise ValueError("fields 需列出至少一个字段")
        unknown = [f for f in self.fields if f not in FIELD_LABELS]
        if unknown:
            raise ValueError(f"未知字段 {'、'.join(map(str, unknown))}")
        self.pattern = _regex(params["pattern"], "格式 pattern ") if params.get("pattern") else None

    def run(self, record):
        out = Outcome(True)
        for key in self.fields:
            value, span = record.value(key), record.fields.get(key)
            if not value:
                out.passed = False
                out.messages.append(f"缺少：{FIELD_LABELS[key]}")
                if key in record.lines:  # the empty line shows where it is missing
                    out.spans.append(record.lines[key])
            elif self.pattern and not self.pattern.search(value):
                out.passed = False
                out.messages.append(f"{FIELD_LABELS[key]}格式不符")
                out.spans.append(span)
            else:
                out.spans.append(span)
        return out


class Times(Check):
    type, label = "times", "起止时间记载到分钟且结束晚于开始"
    example = {"type": "times"}

    def run(self, record):
        start = parse_time(record.value("start_time"))
        end = parse_time(record.value("end_time"), default=start)
        spans = [record.fields[k] for k in ("start_time", "end_time") if k in record.fields]
        if start is None or end is None:
            missing = [n for n, v in (("开始时间", start), ("结束时间", end)) if v is None]
            return Outcome(False, spans, [f"{'、'.join(missing)}未记载或未精确到分钟"])
        if end <= start:
            return Outcome(False, spans, ["结束时间不晚于开始时间"])
        return Outcome(True, spans)


class Officers(Check):
    type, label = "officers", "执法人员不少于规定人数且注明执法证号"
    example = {"type": "officers", "min": 2}
    CERT_RE = re.compile(r"(?:执法证|证件|证)(?:号|编号)?[：:\s]*([A-Za-z0-9]{5,})")

    def __init__(self, params):
        super().__init__(params)
        self.min = params.get("min", 2)
        if not isinstance(self.min, int) or not 1 <= self.min <= 10:
            raise ValueError("min 须是 1 到 10 的整数")

    def run(self, record):
        span = record.fields.get("officers")
        if span is None:
            return Outcome(False, [], ["缺少：执法人员"])
        found = list(self.CERT_RE.finditer(record.text, span[0], span[1]))
        certs = {m.group(1) for m in found}
        spans = [(m.start(1), m.end(1)) for m in found]
        if len(certs) < self.min:
            return Outcome(
                False,
                spans or [span],
                [f"注明执法证号的执法人员只有 {len(certs)} 名，少于 {self.min} 名"],
            )
        return Outcome(True, spans)


class Mentions(Check):
    type, label = "mentions", "记载了规定事项（每个模式都须出现）"
    example = {
        "type": "mentions",
        "patterns": [
            {"label": "告知申请回避的权利", "regex": "回避"},
            {
                "label": "记录当事人对回避的答复",
                "regex": "(不|无需|不需要)?申请.{0,4}回避|不需要回避",
            },
        ],
    }

    def __init__(self, params):
        super().__init__(params)
        self.patterns = _labelled(params.get("patterns"), "模式")

    def run(self, record):
        out = Outcome(True)
        for label, regex in self.patterns:
            m = regex.search(record.text)
            if m:
                out.spans.append((m.start(), m.end()))
            else:
                out.passed = False
                out.messages.append(f"未记载：{label}")
        return out


class Forbidden(Check):
    type, label = "forbidden", "不得出现的用语（主观、结论或处罚）"
    example = {"type": "forbidden", "terms": ["严重", "恶劣", "肯定", "大概", "好像"], "regex": []}

    def __init__(self, params):
        super().__init__(params)
        terms = params.get("terms") or []
        regexes = params.get("regex") or []
        if not isinstance(terms, list) or not isinstance(regexes, list) or not (terms or regexes):
            raise ValueError("terms 或 regex 至少列出一项")
        parts = [re.escape(str(t)) for t in terms if str(t)]
        parts += [_regex(r, "regex ").pattern for r in regexes]
        self.regex = re.compile("|".join(f"(?:{p})" for p in parts))

    def run(self, record):
        spans, words = [], []
        for m in self.regex.finditer(record.text):
            if record.in_body(m.start()) and len(spans) < MAX_SPANS:
                spans.append((m.start(), m.end()))
                words.append(m.group(0))
        if spans:
            return Outcome(False, spans, [f"出现不应使用的用语：{'、'.join(dict.fromkeys(words))}"])
        return Outcome(True)


class QATopics(Check):
    type, label = "qa_topics", "问答覆盖规定要点"
    example = {
        "type": "qa_topics",
        "min_pairs": 3,
        "topics": [
            {"label": "时间", "regex": "时间|何时|几点|日期"},
            {"label": "数量", "regex": "多少|数量|吨|立方米"},
        ],
    }

    def __init__(self, params):
        super().__init__(params)
        self.topics = _labelled(params.get("topics"), "要点")
        self.min_pairs = params.get("min_pairs", 1)
        if not isinstance(self.min_pairs, int) or self.min_pairs < 0:
            raise ValueError("min_pairs 须是非负整数")

    def run(self, record):
        out = Outcome(True)
        questions = sum(1 for kind, _, _ in record.qa if kind == "问")
        if questions < self.min_pairs:
            out.passed = False
            out.messages.append(f"问答只有 {questions} 组，少于 {self.min_pairs} 组")
        for label, regex in self.topics:
            hit = next(
                (m for _, s, e in record.qa for m in [regex.search(record.text, s, e)] if m), None
            )
            if hit:
                out.spans.append((hit.start(), hit.end()))
            else:
                out.passed = False
                out.messages.append(f"问答未涉及：{label}")
        return out


class Units(Check):
    type, label = "units", "数量带有计量单位"
    example = {"type": "units", "units": []}
    NUMBER_RE = re.compile(r"(?<![\d.A-Za-z])\d+(?:\.\d+)?(?![\d.])")
    DEFAULT_UNITS = (
        "吨",
        "t",
        "千克",
        "公斤",
        "kg",
        "克",
        "g",
        "毫克",
        "mg",
        "立方米",
        "立方",
        "m³",
        "m3",
        "方",
        "升",
        "L",
        "毫升",
        "mL",
        "米",
        "m",
        "厘米",
        "cm",
        "毫米",
        "mm",
        "平方米",
        "㎡",
        "m2",
        "亩",
        "公里",
        "km",
        "小时",
        "h",
        "分钟",
        "天",
        "日",
        "周",
        "个",
        "台",
        "套",
        "处",
        "根",
        "家",
        "名",
        "人",
        "次",
        "件",
        "份",
        "张",
        "袋",
        "桶",
        "辆",
        "元",
        "万元",
        "万",
        "%",
        "％",
        "‰",
        "dB",
        "分贝",
        "℃",
        "度",
        "倍",
        "Pa",
        "MPa",
        "kPa",
        "年",
        "月",
        "时",
        "分",
        "秒",
        "号",
        "条",
        "款",
        "项",
        "页",
        "章",
        "层",
        "栋",
        "号",
        "排",
        "组",
        "批",
        "只",
        "瓶",
        "支",
        "块",
        "片",
        "头",
        "座",
        "口",
        "辆次",
        "车",
        "罐",
        "池",
        "箱",
        "包",
        "盒",
        "亿",
        "千",
        "百",
    )
    SKIP_AFTER = "-/:：.年月日时分至到~"

    def __init__(self, params):
        super().__init__(params)
        extra = params.get("units") or []
        if not isinstance(extra, list):
            raise ValueError("units 须是列表")
        self.units = tuple(
            sorted(set(self.DEFAULT_UNITS) | {str(u) for u in extra}, key=len, reverse=True)
        )

    def run(self, record):
        spans = []
        for m in self.NUMBER_RE.finditer(record.text):
            if (
                record.in_body(m.start())
                and not self._has_unit(record.text, m)
                and len(spans) < MAX_SPANS
            ):
                spans.append((m.start(), m.end()))
        if spans:
            return Outcome(False, spans, [f"{len(spans)} 处数量没有计量单位"])
        return Outcome(True)

    def _has_unit(self, text: str, m: re.Match) -> bool:
        if len(m.group(0)) >= 6 or text[max(0, m.start() - 1) : m.start()] in (
            "第",
            "-",
            "/",
            ":",
            "：",
            "年",
            "月",
        ):
            return True
        after = text[m.end() : m.end() + 6].lstrip(" \u3000")
        return not after or after[0] in self.SKIP_AFTER or after.startswith(self.units)


def _registry(*classes: type[Check]) -> dict[str, type[Check]]:
    """Check types by name, refusing duplicates."""
    out: dict[str, type[Check]] = {}
    for cls in classes:
        if cls.type in out:
            raise RuntimeError(f"duplicate check type {cls.type}")
        out[cls.type] = cls
    return out


CHECK_TYPES = _registry(FieldPresent, Times, Officers, Mentions, Forbidden, QATopics, Units)


def examples() -> dict[str, tuple[str, str]]:
    """Each check type's label and example parameters (as JSON text), for the rubric builder."""
    return {
        name: (cls.label, json.dumps(cls.example, ensure_ascii=False))
        for name, cls in CHECK_TYPES.items()
    }


@dataclass
class CompiledCriterion:
    data: dict
    checks: list[Check]


@dataclass
class CompiledRubric:
    data: dict
    criteria: list[CompiledCriterion]


def compile_rubric(data, *, complete: bool = True) -> CompiledRubric:
    """Validate a rubric and build its checks; ``complete`` also requires points to add up."""
    if not isinstance(data, dict):
        raise RubricError("量表必须是一个 JSON 对象")
    _check_head(data)
    criteria = data.get("criteria")
    if not isinstance(criteria, list) or (complete and not criteria):
        raise RubricError("量表至少需要一项评分标准")
    compiled, keys, running = [], set(), 0.0
    for crit in criteria:
        compiled.append(_compile_criterion(crit, keys))
        running += 0 if crit.get("veto") else float(crit["max_points"])
        if running > float(data["total_points"]) + 1e-9:
            raise RubricError(
                f"评分标准“{crit.get('title')}”({crit.get('key')}) 使各项分值合计 "
                f"{running:g} 分，超过总分 {float(data['total_points']):g} 分",
                crit.get("key"),
            )
    if complete and abs(running - float(data["total_points"])) > 1e-9:
        raise RubricError(
            f"各项分值合计 {running:g} 分，与总分 {float(data['total_points']):g} 分不符"
        )
    return CompiledRubric(data, compiled)


def _check_head(data: dict) -> None:
    if not str(data.get("title", "")).strip():
        raise RubricError("量表名称不能为空")
    if data.get("record_type") not in ("inspection", "inquiry"):
        raise RubricError("笔录类型须为 inspection（现场检查）或 inquiry（调查询问）")
    total = data.get("total_points")
    if not isinstance(total, (int, float)) or isinstance(total, bool) or total <= 0:
        raise RubricError("总分须为大于 0 的数")


def _compile_criterion(crit, keys: set) -> CompiledCriterion:
    if not isinstance(crit, dict):
        raise RubricError("每项评分标准必须是一个 JSON 对象")
    key, title = str(crit.get("key", "")), str(crit.get("title", "")).strip()
    name = f"评分标准“{title or key}”({key})"
    if not KEY_RE.match(key) or key in keys:
        raise RubricError(f"{name}：编号须为 1–40 位字母数字且不重复", key)
    keys.add(key)
    if not title or crit.get("standard") not in STANDARDS:
        raise RubricError(f"{name}：须有名称，并归入五项标准之一（{'、'.join(STANDARDS)}）", key)
    try:
        _check_points(crit)
        checks = [_build_check(c) for c in crit.get("checks") or []]
    except ValueError as exc:
        raise RubricError(f"{name}：{exc}", key) from exc
    return CompiledCriterion(crit, checks)


def _check_points(crit: dict) -> None:
    top = crit.get("max_points")
    if not isinstance(top, (int, float)) or isinstance(top, bool) or top < 0:
        raise ValueError("分值须为不小于 0 的数")
    if crit.get("mode", "levels") not in MODES:
        raise ValueError("评分方式须为 levels 或 guide")
    if crit.get("veto"):
        if top != 0:
            raise ValueError("否决项不计分，分值须为 0")
        return
    if top <= 0:
        raise ValueError("分值须大于 0")
    if crit.get("mode", "levels") == "levels":
        _check_levels(crit.get("levels"), float(top))


def _check_levels(levels, top: float) -> None:
    if not isinstance(levels, list) or not levels:
        raise ValueError("分级描述至少需要一级")
    points = []
    for level in levels:
        p = level.get("points") if isinstance(level, dict) else None
        if not isinstance(p, (int, float)) or isinstance(p, bool) or not 0 <= p <= top:
            raise ValueError(f"各级分值须在 0 到 {top:g} 之间")
        points.append(float(p))
    if max(points) != top:
        raise ValueError(f"最高一级 {max(points):g} 分与该项分值 {top:g} 分不符")


def _build_check(params) -> Check:
    if not isinstance(params, dict) or params.get("type") not in CHECK_TYPES:
        kind = params.get("type") if isinstance(params, dict) else params
        raise ValueError(f"未知的自动检查类型“{kind}”；可用：{'、'.join(CHECK_TYPES)}")
    return CHECK_TYPES[params["type"]](params)


def pregrade(rubric: CompiledRubric, record: ParsedRecord) -> dict:
    """Run every automatic check; points per criterion (None where a person must judge)."""
    result = {
        "criteria": {},
        "total": 0.0,
        "vetoed": False,
        "max": float(rubric.data["total_points"]),
    }
    for crit in rubric.criteria:
        outcome = _grade_criterion(crit, record)
        result["criteria"][crit.data["key"]] = outcome
        result["total"] += outcome["points"] or 0.0
        result["vetoed"] = result["vetoed"] or outcome["vetoed"]
    if result["vetoed"]:
        result["total"] = 0.0
    return result


def _grade_criterion(crit: CompiledCriterion, record: ParsedRecord) -> dict:
    checks = []
    for check in crit.checks:
        o = check.run(record)
        checks.append(
            {
                "type": check.type,
                "label": check.label,
                "passed": o.passed,
                "spans": [list(s) for s in o.spans],
                "messages": o.messages,
            }
        )
    passed = sum(1 for c in checks if c["passed"])
    top, veto = float(crit.data["max_points"]), bool(crit.data.get("veto"))
    points = None
    if checks and not veto:
        points = round(top * passed / len(checks) * 2) / 2
    return {
        "points": points,
        "max": top,
        "veto": veto,
        "checks": checks,
        "vetoed": veto and passed < len(checks),
    }
