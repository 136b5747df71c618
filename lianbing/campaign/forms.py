"""Forms of the campaign package."""
from flask_wtf import FlaskForm
from wtforms import DateField, FloatField, IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange


class CampaignForm(FlaskForm):
    name = StringField("活动名称", validators=[DataRequired("请输入名称"), Length(max=100)])
    year = IntegerField("年度", validators=[InputRequired(), NumberRange(2000, 2100)])
    start_date = DateField("开始日期", validators=[InputRequired("请输入开始日期")])
    end_date = DateField("结束日期", validators=[InputRequired("请输入结束日期")])
    nomination_quota = IntegerField("每个县级单位推荐名额", default=1,
                                    validators=[InputRequired(), NumberRange(0, 50, "名额须在 0 到 50 之间")])
    submit = SubmitField("保存")


class ActivateForm(FlaskForm):
    submit = SubmitField("设为当前活动")


def weights_form(kinds: dict, current: dict[str, float]) -> FlaskForm:
    """A form with one weight field per registered activity kind."""

    class WeightsForm(FlaskForm):
        submit = SubmitField("保存权重")

    for key, kind in kinds.items():
        field = FloatField(kind.label, default=current.get(key, kind.default_weight),
                           validators=[InputRequired("请填写权重"), NumberRange(0, 1000, "权重须在 0 到 1000 之间")])
        setattr(WeightsForm, f"w_{key}", field)
    return WeightsForm()


def stages_form(stages: list) -> FlaskForm:
    """A form with a start and an end date for each stage of a campaign."""

    class StagesForm(FlaskForm):
        submit = SubmitField("保存阶段日期")

    for stage in stages:
        for end, label in ((False, "开始"), (True, "结束")):
            value = stage.end_date if end else stage.start_date
            setattr(StagesForm, f"s{stage.id}_{'end' if end else 'start'}",
                    DateField(f"{stage.name}{label}日期", default=value,
                              validators=[InputRequired(f"请填写{stage.name}的{label}日期")]))
    return StagesForm()
