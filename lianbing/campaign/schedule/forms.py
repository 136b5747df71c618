"""Forms of the campaign calendar."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from lianbing.campaign.schedule.models import DEADLINE_KINDS


class DeadlineForm(FlaskForm):
    name = StringField("截止事项", validators=[DataRequired("请填写截止事项名称"), Length(max=100)])
    due_date = DateField("截止日期", validators=[InputRequired("请填写截止日期")])
    kind = SelectField("类型", choices=list(DEADLINE_KINDS.items()))
    submit = SubmitField("添加")


class SettingsForm(FlaskForm):
    bulletin_due_day = IntegerField("简报每月截止日", validators=[
        InputRequired("请填写截止日"), NumberRange(1, 28, "截止日须在 1 到 28 之间")])
    accept_late = BooleanField("接受逾期提交（标记为逾期）；不勾选则拒绝逾期提交")
    bulletin_from = DateField("简报开始月份（任一日期）", validators=[InputRequired("请填写开始月份")])
    bulletin_to = DateField("简报结束月份（任一日期）", validators=[InputRequired("请填写结束月份")])
    summary_due = DateField("总结报告和自评截止日期", validators=[InputRequired("请填写截止日期")])
    submit = SubmitField("保存设置")


class DeleteForm(FlaskForm):
    submit = SubmitField("删除")
