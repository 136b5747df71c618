"""Forms of the campaign package: the campaign, its stages and weights, its calendar."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from lianbing.campaign.models import DEADLINE_KINDS


class CampaignForm(FlaskForm):
    name = StringField("活动名称", validators=[DataRequired("请输入名称"), Length(max=100)])
    year = IntegerField("年度", validators=[InputRequired(), NumberRange(2000, 2100)])
    start_date = DateField("开始日期", validators=[InputRequired("请输入开始日期")])
    end_date = DateField("结束日期", validators=[InputRequired("请输入结束日期")])
    nomination_quota = IntegerField(
        "每个县级单位推荐名额",
        default=1,
        validators=[InputRequired(), NumberRange(0, 50, "名额须在 0 到 50 之间")],
    )
    submit = SubmitField("保存")


class NextYearForm(FlaskForm):
    name = StringField("新活动名称", validators=[DataRequired("请输入名称"), Length(max=100)])
    confirm = BooleanField(
        "我已核对上述阶段日期和要复制的设置，确认创建新一年活动",
        validators=[DataRequired("请勾选确认后再创建。")],
    )
    submit = SubmitField("创建新一年活动")


class ActivateForm(FlaskForm):
    submit = SubmitField("设为当前活动")


def weights_form(kinds: dict, current: dict[str, float]) -> FlaskForm:
    """A form with one weight field per registered activity kind."""

    class WeightsForm(FlaskForm):
        submit = SubmitField("保存权重")

    for key, kind in kinds.items():
        field = FloatField(
            kind.label,
            default=current.get(key, kind.default_weight),
            validators=[
                InputRequired("请填写权重"),
                NumberRange(0, 1000, "权重须在 0 到 1000 之间"),
            ],
        )
        setattr(WeightsForm, f"w_{key}", field)
    return WeightsForm()


def stages_form(stages: list) -> FlaskForm:
    """A form with a start and an end date for each stage of a campaign."""

    class StagesForm(FlaskForm):
        submit = SubmitField("保存阶段日期")

    for stage in stages:
        for end, label in ((False, "开始"), (True, "结束")):
            value = stage.end_date if end else stage.start_date
            setattr(
                StagesForm,
                f"s{stage.id}_{'end' if end else 'start'}",
                DateField(
                    f"{stage.name}{label}日期",
                    default=value,
                    validators=[InputRequired(f"请填写{stage.name}的{label}日期")],
                ),
            )
    return StagesForm()


class DeadlineForm(FlaskForm):
    name = StringField("截止事项", validators=[DataRequired("请填写截止事项名称"), Length(max=100)])
    due_date = DateField("截止日期", validators=[InputRequired("请填写截止日期")])
    kind = SelectField("类型", choices=list(DEADLINE_KINDS.items()))
    submit = SubmitField("添加")


class SettingsForm(FlaskForm):
    bulletin_due_day = IntegerField(
        "简报每月截止日",
        validators=[InputRequired("请填写截止日"), NumberRange(1, 28, "截止日须在 1 到 28 之间")],
    )
    accept_late = BooleanField("接受逾期提交（标记为逾期）；不勾选则拒绝逾期提交")
    bulletin_from = DateField(
        "简报开始月份（任一日期）", validators=[InputRequired("请填写开始月份")]
    )
    bulletin_to = DateField(
        "简报结束月份（任一日期）", validators=[InputRequired("请填写结束月份")]
    )
    summary_due = DateField("总结报告和自评截止日期", validators=[InputRequired("请填写截止日期")])
    submit = SubmitField("保存设置")


class DeleteForm(FlaskForm):
    submit = SubmitField("删除")
