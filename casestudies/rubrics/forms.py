"""Forms of the rubric builder, and the parser of a criterion's levels and checks."""

from __future__ import annotations

import json

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, FloatField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from casestudies.exercises.models import RECORD_TYPES
from casestudies.rubrics.checks import MODES, STANDARDS
from lianbing.host import Invalid, Refused, load_json


class RubricHeadForm(FlaskForm):
    title = StringField("量表名称", validators=[DataRequired(), Length(max=200)])
    record_type = SelectField("笔录类型", choices=list(RECORD_TYPES.items()))
    total_points = FloatField(
        "总分", default=100, validators=[InputRequired(), NumberRange(min=1, max=1000)]
    )


class CriterionForm(FlaskForm):
    key = StringField(
        "编号",
        validators=[DataRequired(), Regexp(r"^[A-Za-z0-9_-]{1,40}$", message="1–40 位字母数字")],
    )
    standard = SelectField("所属标准", choices=[(s, s) for s in STANDARDS])
    title = StringField("评分标准", validators=[DataRequired(), Length(max=200)])
    max_points = FloatField("分值（否决项填 0）", validators=[InputRequired()])
    mode = SelectField("评分方式", choices=list(MODES.items()))
    veto = BooleanField("否决项（不符合则整份笔录不合格）")
    levels = TextAreaField("分级描述（每行“分值|描述”）", validators=[Length(max=4000)])
    checks = TextAreaField("自动检查（JSON 数组）", default="[]", validators=[Length(max=20000)])
    replace_key = StringField("", validators=[Optional()])


class ImportForm(FlaskForm):
    file = FileField("量表 JSON 文件")


class CriterionInputError(Invalid):
    """Levels or checks text of the criterion form that cannot be read (400)."""


def criterion_from_form(form: CriterionForm) -> dict:
    """The criterion dict the rubric stores, from the builder form."""
    return {
        "key": form.key.data.strip(),
        "standard": form.standard.data,
        "title": form.title.data.strip(),
        "max_points": form.max_points.data,
        "mode": form.mode.data,
        "veto": form.veto.data,
        "levels": _levels(form.levels.data or "", form.title.data),
        "checks": _checks(form.checks.data or "[]", form.title.data),
    }


def _levels(text: str, title: str) -> list[dict]:
    out = []
    for line in filter(None, (x.strip() for x in text.splitlines())):
        points, _, descriptor = line.partition("|")
        try:
            out.append({"points": float(points), "descriptor": descriptor.strip()})
        except ValueError as exc:
            raise CriterionInputError(
                f"评分标准“{title}”：分级描述“{line}”应写成“分值|描述”"
            ) from exc
    return out


def _checks(text: str, title: str) -> list:
    try:
        value = load_json(text or "[]", "自动检查")  # size and nesting depth checked first
    except Refused as exc:
        raise CriterionInputError(f"评分标准“{title}”：{exc}") from None
    if not isinstance(value, list):
        raise CriterionInputError(f"评分标准“{title}”：自动检查须是 JSON 数组")
    return value


def fill_criterion_form(form: CriterionForm, crit: dict) -> None:
    form.key.data, form.standard.data, form.title.data = (
        crit["key"],
        crit["standard"],
        crit["title"],
    )
    form.max_points.data, form.mode.data, form.veto.data = (
        crit["max_points"],
        crit.get("mode"),
        crit.get("veto"),
    )
    form.levels.data = "\n".join(
        f"{lv['points']:g}|{lv['descriptor']}" for lv in crit.get("levels") or []
    )
    form.checks.data = json.dumps(crit.get("checks") or [], ensure_ascii=False, indent=1)
    form.replace_key.data = crit["key"]
