"""Forms of the notification settings and the bureau robots."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from lianbing.notify.models import ROBOT_KINDS


class PrefsForm(FlaskForm):
    email = StringField("电子邮箱", validators=[Optional(), Length(max=120)])
    email_on = BooleanField("通过电子邮件接收通知")
    digest = BooleanField("每天汇总成一封邮件（不逐条发送）")


class RobotForm(FlaskForm):
    bureau = SelectField("单位", coerce=int)
    kind = SelectField("类型", choices=list(ROBOT_KINDS.items()))
    url = StringField("Webhook 地址", validators=[DataRequired(), Length(max=500)])


class EmptyForm(FlaskForm):
    """A POST button carrying only the CSRF token."""
