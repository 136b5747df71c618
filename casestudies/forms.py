"""WTForms of the casestudies part, and parsers of the two dynamic forms (record, grading)."""
from __future__ import annotations

import json

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateTimeLocalField, FloatField, IntegerField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from casestudies.checks import MODES, STANDARDS
from casestudies.models import RECORD_TYPES
from casestudies.records import FIELDS, FOOT, Draft

MAX_QA_PAIRS = 200


class LessonForm(FlaskForm):
    title = StringField("案例标题", validators=[DataRequired(), Length(max=200)])
    industry = StringField("行业", validators=[Length(max=100)])
    violation_type = StringField("违法类型", validators=[Length(max=100)])
    facts = TextAreaField("案情（Markdown）", validators=[Length(max=20000)])
    evidence = TextAreaField("证据", validators=[Length(max=20000)])
    decision = TextAreaField("处理决定", validators=[Length(max=20000)])
    citations = TextAreaField("法律依据（法条引用键，每行一个，如 EPL2014:24）", validators=[Length(max=2000)])
    interpretation = TextAreaField("以案释法：适用哪条法律、为什么", validators=[Length(max=20000)])
    mistakes = TextAreaField("常见错误", validators=[Length(max=20000)])
    is_published = BooleanField("发布给执法人员")


class QuestionForm(FlaskForm):
    kind = SelectField("题型", choices=[("choice", "选择题"), ("text", "简答题")])
    prompt = TextAreaField("题目", validators=[DataRequired(), Length(max=2000)])
    options = TextAreaField("选项（选择题，每行一个）", validators=[Length(max=4000)])
    answer = TextAreaField("正确选项序号（选择题）或参考答案（简答题）", validators=[Length(max=4000)])
    explanation = TextAreaField("解析", validators=[Length(max=4000)])


class ExerciseForm(FlaskForm):
    title = StringField("练习名称", validators=[DataRequired(), Length(max=200)])
    record_type = SelectField("笔录类型", choices=list(RECORD_TYPES.items()))
    scenario = TextAreaField("情景：现场描述（Markdown）", validators=[Length(max=20000)])
    people = TextAreaField("在场人员", validators=[Length(max=5000)])
    known_facts = TextAreaField("已知情况", validators=[Length(max=10000)])
    due_at = DateTimeLocalField("截止时间", format="%Y-%m-%dT%H:%M", validators=[InputRequired()])
    rubric_id = SelectField("评分量表", coerce=int)
    attachment = FileField("现场照片或附件（可选，5 MB 以内）")
    is_published = BooleanField("发布给执法人员")
    needs_second_marker = BooleanField("需要第二评分人")
    margin = FloatField("允许的评分差（分）", default=2.0, validators=[NumberRange(min=0, max=100)])
    regrade_days = IntegerField("发布后可申请复评的天数", default=7, validators=[NumberRange(min=0, max=90)])


class RubricHeadForm(FlaskForm):
    title = StringField("量表名称", validators=[DataRequired(), Length(max=200)])
    record_type = SelectField("笔录类型", choices=list(RECORD_TYPES.items()))
    total_points = FloatField("总分", default=100, validators=[InputRequired(), NumberRange(min=1, max=1000)])


class CriterionForm(FlaskForm):
    key = StringField("编号", validators=[DataRequired(), Regexp(r"^[A-Za-z0-9_-]{1,40}$", message="1–40 位字母数字")])
    standard = SelectField("所属标准", choices=[(s, s) for s in STANDARDS])
    title = StringField("评分标准", validators=[DataRequired(), Length(max=200)])
    max_points = FloatField("分值（否决项填 0）", validators=[InputRequired()])
    mode = SelectField("评分方式", choices=list(MODES.items()))
    veto = BooleanField("否决项（不符合则整份笔录不合格）")
    levels = TextAreaField("分级描述（每行“分值|描述”）", validators=[Length(max=4000)])
    checks = TextAreaField("自动检查（JSON 数组）", default="[]", validators=[Length(max=20000)])
    replace_key = StringField("", validators=[Optional()])


class RegradeForm(FlaskForm):
    criterion = SelectField("申请复评的评分标准")
    reason = TextAreaField("理由", validators=[DataRequired(message="请说明理由"), Length(max=2000)])


class AnswerRegradeForm(FlaskForm):
    points = FloatField("复评后得分", validators=[InputRequired()])
    answer = TextAreaField("答复意见", validators=[DataRequired(message="请填写答复意见"), Length(max=2000)])


class CommentForm(FlaskForm):
    standard = SelectField("适用标准", choices=[("", "通用")] + [(s, s) for s in STANDARDS])
    text = TextAreaField("常用评语", validators=[DataRequired(), Length(max=500)])


class ImportForm(FlaskForm):
    file = FileField("量表 JSON 文件")


class CriterionInputError(ValueError):
    """Levels or checks text of the criterion form that cannot be read."""


def criterion_from_form(form: CriterionForm) -> dict:
    """The criterion dict the rubric stores, from the builder form."""
    return {"key": form.key.data.strip(), "standard": form.standard.data, "title": form.title.data.strip(),
            "max_points": form.max_points.data, "mode": form.mode.data, "veto": form.veto.data,
            "levels": _levels(form.levels.data or "", form.title.data),
            "checks": _checks(form.checks.data or "[]", form.title.data)}


def _levels(text: str, title: str) -> list[dict]:
    out = []
    for line in filter(None, (x.strip() for x in text.splitlines())):
        points, _, descriptor = line.partition("|")
        try:
            out.append({"points": float(points), "descriptor": descriptor.strip()})
        except ValueError as exc:
            raise CriterionInputError(f"评分标准“{title}”：分级描述“{line}”应写成“分值|描述”") from exc
    return out


def _checks(text: str, title: str) -> list:
    try:
        value = json.loads(text or "[]")
    except json.JSONDecodeError as exc:
        raise CriterionInputError(f"评分标准“{title}”：自动检查不是有效的 JSON（{exc.msg}）") from exc
    if not isinstance(value, list):
        raise CriterionInputError(f"评分标准“{title}”：自动检查须是 JSON 数组")
    return value


def fill_criterion_form(form: CriterionForm, crit: dict) -> None:
    form.key.data, form.standard.data, form.title.data = crit["key"], crit["standard"], crit["title"]
    form.max_points.data, form.mode.data, form.veto.data = crit["max_points"], crit.get("mode"), crit.get("veto")
    form.levels.data = "\n".join(f"{lv['points']:g}|{lv['descriptor']}" for lv in crit.get("levels") or [])
    form.checks.data = json.dumps(crit.get("checks") or [], ensure_ascii=False, indent=1)
    form.replace_key.data = crit["key"]


def draft_from_form(formdata, record_type: str) -> Draft:
    """The record form (header fields, officers rows, 问/答 pairs) as a Draft."""
    header = {key: formdata.get(key, "").strip()[:500] for key, _ in FIELDS[record_type] + FOOT
              if key != "officers"}
    names, certs = formdata.getlist("officer_name"), formdata.getlist("officer_cert")
    header["officers"] = [{"name": n.strip()[:50], "cert": c.strip()[:40]} for n, c in zip(names, certs)
                          if n.strip() or c.strip()]
    qs, answers = formdata.getlist("q"), formdata.getlist("a")
    qa = [{"q": q, "a": a} for q, a in zip(qs, answers) if q.strip() or a.strip()][:MAX_QA_PAIRS]
    return Draft(header=header, body=formdata.get("body", ""), qa=qa,
                 confirmation=formdata.get("confirmation", ""))


def scores_from_form(formdata, criteria: list[dict]) -> dict:
    """The grading form: points, comment and veto per criterion; blank points stay None."""
    out = {}
    for crit in criteria:
        raw = formdata.get(f"points_{crit['key']}", "").strip()
        try:
            points = float(raw) if raw else None
        except ValueError:
            points = None
        out[crit["key"]] = {"points": points, "comment": formdata.get(f"comment_{crit['key']}", ""),
                            "vetoed": formdata.get(f"vetoed_{crit['key']}") == "1"}
    return out
