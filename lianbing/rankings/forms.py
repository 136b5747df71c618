"""Forms of the rankings package, one per use case."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FloatField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lianbing.rankings.awards import CATEGORIES, MAX_POINTS


class AwardForm(FlaskForm):
    #: choice not enforced here: the service refuses other bureaus' officers with a clear message
    user_id = SelectField(
        "执法人员", coerce=int, validate_choice=False, validators=[InputRequired("请选择执法人员")]
    )
    category = SelectField("类别", choices=[(c, c) for c in CATEGORIES])
    title = StringField("加分事项", validators=[DataRequired("请填写加分事项"), Length(max=200)])
    points = FloatField(
        "加分",
        validators=[
            InputRequired("请填写加分"),
            NumberRange(0.5, MAX_POINTS, f"加分须在 0.5 到 {MAX_POINTS:g} 之间"),
        ],
    )
    reason = TextAreaField(
        "加分理由", validators=[DataRequired("请填写加分理由"), Length(max=2000)]
    )
    evidence = FileField("证明材料（PDF、Word、Excel 或图片，10 MB 以内）")
    submit = SubmitField("提交审批")


class DecisionForm(FlaskForm):
    note = TextAreaField("意见（退回时必填）", validators=[Length(max=1000)])
    approve = SubmitField("通过")
    reject = SubmitField("退回")


class NominationForm(FlaskForm):
    #: choice not enforced here: the service refuses other bureaus' officers with a clear message
    user_id = SelectField(
        "被提名人", coerce=int, validate_choice=False, validators=[InputRequired("请选择被提名人")]
    )
    justification = TextAreaField(
        "推荐理由（主要事迹）", validators=[DataRequired("请填写推荐理由"), Length(max=4000)]
    )
    confirm = BooleanField(
        "我已核对被提名人和推荐理由；提交后不能自行修改",
        validators=[DataRequired("请勾选确认后再提交：提名提交后不能自行修改。")],
    )
    submit = SubmitField("提交提名")


class ResubmitForm(FlaskForm):
    justification = TextAreaField(
        "推荐理由（主要事迹）", validators=[DataRequired("请填写推荐理由"), Length(max=4000)]
    )
    submit = SubmitField("重新提交")


class ReasonForm(FlaskForm):
    reason = TextAreaField("原因", validators=[DataRequired("请填写原因"), Length(max=1000)])
    submit = SubmitField("确定")


class RecommendForm(FlaskForm):
    category = SelectField("推荐类别")
    target = SelectField("推荐对象", validators=[DataRequired("请选择推荐对象")])
    statement = TextAreaField(
        "主要事迹（推荐先进集体时必填）", validators=[Optional(), Length(max=4000)]
    )
    submit = SubmitField("加入推荐名单")


def settings_form(kinds: dict, measures: list, current: dict) -> FlaskForm:
    """Deadline, province quotas, a minimum share per kind and a weight per bureau measure."""

    class SettingsForm(FlaskForm):
        deadline = DateTimeLocalField(
            "提名截止时间（北京时间）",
            format="%Y-%m-%dT%H:%M",
            validators=[Optional()],
            default=current.get("deadline"),
        )
        board_named = BooleanField(
            "执法人员积分榜显示姓名（不勾选则只显示名次、单位和得分）",
            default=current.get("board_named", True),
        )
        submit = SubmitField("保存")

    _add_quota_fields(SettingsForm, current)
    _add_eligibility_fields(SettingsForm, kinds, current)
    _add_entry_fields(SettingsForm, kinds, current)
    _add_weight_fields(SettingsForm, measures, current)
    return SettingsForm()


def _add_quota_fields(form_class: type, current: dict) -> None:
    """One province-quota field per recommendation category."""
    for key, label in current["categories"].items():
        setattr(
            form_class,
            f"q_{key}",
            IntegerField(
                f"{label}名额",
                default=current["quotas"][key],
                validators=[
                    InputRequired("请填写名额"),
                    NumberRange(0, 20, "名额须在 0 到 20 之间"),
                ],
            ),
        )


def _add_eligibility_fields(form_class: type, kinds: dict, current: dict) -> None:
    """One minimum-share field per activity kind."""
    for key, kind in kinds.items():
        setattr(
            form_class,
            f"e_{key}",
            FloatField(
                f"{kind.label}最低得分率（%）",
                default=round(100 * current["eligibility"].get(key, 0), 1),
                validators=[
                    InputRequired("请填写，0 表示不要求"),
                    NumberRange(0, 100, "须在 0 到 100 之间"),
                ],
            ),
        )


def _add_entry_fields(form_class: type, kinds: dict, current: dict) -> None:
    """One minimum-number-of-rows field per activity kind (0: not required)."""
    for key, kind in kinds.items():
        setattr(
            form_class,
            f"n_{key}",
            IntegerField(
                f"{kind.label}最少记录（条）",
                default=current.get("min_entries", {}).get(key, 0),
                validators=[
                    InputRequired("请填写，0 表示不要求"),
                    NumberRange(0, 100, "须在 0 到 100 之间"),
                ],
            ),
        )


def _add_weight_fields(form_class: type, measures: list, current: dict) -> None:
    """One weight field per bureau measure."""
    for measure in measures:
        setattr(
            form_class,
            f"m_{measure.name}",
            FloatField(
                f"集体排名权重：{measure.label}",
                default=current["measure_weights"][measure.name],
                validators=[
                    InputRequired("请填写权重"),
                    NumberRange(0, 1000, "权重须在 0 到 1000 之间"),
                ],
            ),
        )


class CloseForm(FlaskForm):
    confirm = BooleanField(
        "我确认结束本次练兵活动：成绩台账冻结，排名以此刻的最终快照为准",
        validators=[DataRequired("请勾选确认后再结束活动。")],
    )
    submit = SubmitField("结束活动")


class ReopenForm(FlaskForm):
    reason = StringField(
        "重新开启原因", validators=[DataRequired("请填写重新开启的原因"), Length(max=500)]
    )
    submit = SubmitField("重新开启活动")


class CorrectionForm(FlaskForm):
    user_id = SelectField("人员", coerce=int, validate_choice=False)
    kind = SelectField("活动类型")
    ref = StringField("活动编号", validators=[DataRequired("请填写活动编号"), Length(max=80)])
    points = FloatField("更正后得分", validators=[InputRequired("请填写得分")])
    max_points = FloatField("满分", validators=[InputRequired("请填写满分")])
    reason = StringField("更正原因", validators=[DataRequired("请填写更正原因"), Length(max=500)])
    submit = SubmitField("更正成绩")
