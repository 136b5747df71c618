"""Forms of the ledger, one per use case."""

from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    FloatField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange


class ExpectedForm(FlaskForm):
    kind = SelectField("活动类型")
    ref = StringField(
        "编号（与成绩台账一致，如 quiz:12）",
        validators=[DataRequired("请填写编号"), Length(max=80)],
    )
    title = StringField("名称", validators=[Length(max=200)])
    max_points = FloatField(
        "满分", validators=[InputRequired("请填写满分"), NumberRange(0.01, 100000, "满分须大于 0")]
    )
    closes_at = DateTimeLocalField(
        "截止时间", format="%Y-%m-%dT%H:%M", validators=[InputRequired("请填写截止时间")]
    )
    bureau_id = SelectField("参加单位", coerce=int)
    submit = SubmitField("保存")


class ExemptForm(FlaskForm):
    expected_id = SelectField("活动", coerce=int, validate_choice=False)
    user_id = SelectField("人员", coerce=int, validate_choice=False)
    reason = StringField(
        "免除原因（请假、执行任务等）", validators=[DataRequired("请填写免除原因"), Length(max=200)]
    )
    submit = SubmitField("免除")
