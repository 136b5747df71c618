"""Forms of lectures: scheduling, signing in, entering attendance from the paper list."""

from wtforms import DateTimeLocalField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from training.forms import ROLE_CHOICES, ChineseForm
from training.lectures.services import LECTURE_KINDS


class LectureForm(ChineseForm):
    title = StringField("名称", validators=[DataRequired("请填写名称"), Length(max=200)])
    kind = SelectField("类型", choices=list(LECTURE_KINDS.items()))
    starts_at = DateTimeLocalField(
        "开始时间", format="%Y-%m-%dT%H:%M", validators=[InputRequired("请填写开始时间")]
    )
    ends_at = DateTimeLocalField(
        "结束时间", format="%Y-%m-%dT%H:%M", validators=[InputRequired("请填写结束时间")]
    )
    place = StringField("地点", validators=[Optional(), Length(max=200)])
    speaker = StringField("主讲人", validators=[Optional(), Length(max=100)])
    #: checked by the service, which explains a refusal in Chinese
    bureau_id = SelectField("主办单位", coerce=int, validate_choice=False)
    audience = SelectMultipleField("参加对象", choices=ROLE_CHOICES, default=["officer"])
    submit = SubmitField("保存")


class SignInForm(ChineseForm):
    code = StringField("签到码", validators=[DataRequired("请输入签到码"), Length(max=8)])
    submit = SubmitField("签到")


class AttendanceForm(ChineseForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=50)])
    submit = SubmitField("补录签到")
