"""The exercise editor's form, and the parser of the record form (header, officers, 问/答)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FloatField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from casestudies.exercises.models import RECORD_TYPES
from casestudies.exercises.records import FIELDS, FOOT, Draft

MAX_QA_PAIRS = 200


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
    regrade_days = IntegerField(
        "发布后可申请复评的天数", default=7, validators=[NumberRange(min=0, max=90)]
    )


def draft_from_form(formdata, record_type: str) -> Draft:
    """The record form (header fields, officers rows, 问/答 pairs) as a Draft."""
    header = {
        key: formdata.get(key, "").strip()[:500]
        for key, _ in FIELDS[record_type] + FOOT
        if key != "officers"
    }
    names, certs = formdata.getlist("officer_name"), formdata.getlist("officer_cert")
    header["officers"] = [
        {"name": n.strip()[:50], "cert": c.strip()[:40]}
        for n, c in zip(names, certs)
        if n.strip() or c.strip()
    ]
    qs, answers = formdata.getlist("q"), formdata.getlist("a")
    qa = [{"q": q, "a": a} for q, a in zip(qs, answers) if q.strip() or a.strip()][:MAX_QA_PAIRS]
    return Draft(
        header=header,
        body=formdata.get("body", ""),
        qa=qa,
        confirmation=formdata.get("confirmation", ""),
    )
