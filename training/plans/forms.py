"""Forms of study plans."""

from wtforms import DateField, SelectField, SubmitField
from wtforms.validators import InputRequired

from training.forms import ROLE_CHOICES, ChineseForm


class PlanForm(ChineseForm):
    module_id = SelectField("学习模块", coerce=int, validate_choice=False)
    role = SelectField("对象角色", choices=[("", "全部角色")] + ROLE_CHOICES, default="officer")
    bureau_id = SelectField("对象单位", coerce=int, validate_choice=False)
    due_on = DateField("截止日期", validators=[InputRequired("请填写截止日期")])
    submit = SubmitField("分配")
