"""Forms of the drills."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    IntegerField,
    MultipleFileField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from lianbing.campaign.drills.models import ROUND_KINDS


class RoundForm(FlaskForm):
    kind = SelectField("类型", choices=list(ROUND_KINDS.items()))
    name = StringField("轮次名称", validators=[DataRequired("请填写轮次名称"), Length(max=100)])
    start_date = DateField("开始日期", validators=[InputRequired("请填写开始日期")])
    end_date = DateField("结束日期", validators=[InputRequired("请填写结束日期")])
    pool_only = BooleanField("检查组组员须从执法骨干库选派")
    submit = SubmitField("创建轮次")


class TeamForm(FlaskForm):
    name = StringField("检查组名称", validators=[DataRequired("请填写检查组名称"), Length(max=100)])
    home_bureau_id = SelectField("派出单位（执法人员所在县区）", coerce=int)
    target_bureau_id = SelectField("被检查单位（企业所在县区）", coerce=int)
    member_ids = SelectMultipleField("组员（执法人员）", coerce=int, render_kw={"size": 8})
    submit = SubmitField("组建检查组")


class MemberForm(FlaskForm):
    user_id = SelectField("执法人员", coerce=int)
    submit = SubmitField("加入检查组")


class ReportForm(FlaskForm):
    enterprise = StringField(
        "被检查企业", validators=[DataRequired("请填写企业名称"), Length(max=200)]
    )
    inspected_on = DateField("检查日期", validators=[InputRequired("请填写检查日期")])
    problems = TextAreaField("发现的问题", render_kw={"rows": 5})
    records_written = IntegerField(
        "制作笔录（份）",
        default=0,
        validators=[
            InputRequired("请填写笔录份数"),
            NumberRange(0, 1000, "笔录份数须在 0 到 1000 之间"),
        ],
    )
    attachments = MultipleFileField("附件（照片、笔录扫描件等，每个不超过 10 MB）")
    submit = SubmitField("提交报告")


class AwardForm(FlaskForm):
    points = FloatField(
        "加分",
        validators=[InputRequired("请填写加分"), NumberRange(0, 100, "加分须在 0 到 100 之间")],
    )
    max_points = FloatField(
        "满分",
        default=10,
        validators=[InputRequired("请填写满分"), NumberRange(0.1, 100, "满分须在 0.1 到 100 之间")],
    )
    submit = SubmitField("加分")


class DeleteForm(FlaskForm):
    """Only the CSRF token: deleting a round asks nothing more (the page confirms first)."""

    submit = SubmitField("删除轮次")
