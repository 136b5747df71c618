"""Forms of the audit package."""

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Optional


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField("操作", validators=[Optional()])
    actor = StringField("操作人用户名", validators=[Optional()])
    target_type = StringField("对象类型", validators=[Optional()])
    target_id = StringField("对象编号", validators=[Optional()])
    bureau = SelectField("单位", coerce=int, validators=[Optional()])
    since = DateField("起始日期", validators=[Optional()])
    until = DateField("截止日期", validators=[Optional()])
