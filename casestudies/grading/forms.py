"""Forms of grading and regrades, and the parser of the dynamic grading form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FloatField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from casestudies.rubrics.checks import STANDARDS


class RegradeForm(FlaskForm):
    criterion = SelectField("申请复评的评分标准")
    reason = TextAreaField(
        "理由", validators=[DataRequired(message="请说明理由"), Length(max=2000)]
    )


class AnswerRegradeForm(FlaskForm):
    points = FloatField("复评后得分", validators=[InputRequired()])
    answer = TextAreaField(
        "答复意见", validators=[DataRequired(message="请填写答复意见"), Length(max=2000)]
    )


class CommentForm(FlaskForm):
    standard = SelectField("适用标准", choices=[("", "通用")] + [(s, s) for s in STANDARDS])
    text = TextAreaField("常用评语", validators=[DataRequired(), Length(max=500)])


def scores_from_form(formdata, criteria: list[dict]) -> dict:
    """The grading form: points, comment and veto per criterion; blank points stay None."""
    out = {}
    for crit in criteria:
        raw = formdata.get(f"points_{crit['key']}", "").strip()
        try:
            points = float(raw) if raw else None
        except ValueError:
            points = None
        out[crit["key"]] = {
            "points": points,
            "comment": formdata.get(f"comment_{crit['key']}", ""),
            "vetoed": formdata.get(f"vetoed_{crit['key']}") == "1",
        }
    return out
