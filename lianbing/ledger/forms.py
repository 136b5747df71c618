"""Forms of the ledger, one per use case."""

from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    FloatField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError


class ExpectedForm(FlaskForm):
    #: "<kind>:<ref>" of one of the activities the parts and the host run (see
    #: ``lianbing.activities.catalog``); anything else is refused in Chinese
    activity = SelectField("活动", validators=[DataRequired("请选择活动")], validate_choice=False)
    max_points = FloatField(
        "满分", validators=[InputRequired("请填写满分"), NumberRange(0.01, 100000, "满分须大于 0")]
    )
    closes_at = DateTimeLocalField(
        "截止时间", format="%Y-%m-%dT%H:%M", validators=[InputRequired("请填写截止时间")]
    )
    bureau_id = SelectField("参加单位", coerce=int)
    submit = SubmitField("保存")

    def validate_activity(self, field) -> None:
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError("没有这项活动，请从列表中选择。")


class ExemptForm(FlaskForm):
    expected_id = SelectField("活动", coerce=int, validate_choice=False)
    user_id = SelectField("人员", coerce=int, validate_choice=False)
    reason = StringField(
        "免除原因（请假、执行任务等）", validators=[DataRequired("请填写免除原因"), Length(max=200)]
    )
    submit = SubmitField("免除")
