"""Forms of the quiz builder, essay grading and regrading."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FloatField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from quizzes.play.models import AUDIENCES, GRADINGS, MODES, REVIEW_PARTS

FMT = "%Y-%m-%dT%H:%M"


class QuizForm(FlaskForm):
    title = StringField("标题", validators=[DataRequired("请填写标题"), Length(max=200)])
    mode = SelectField("模式", choices=list(MODES.items()))
    description = TextAreaField("说明（Markdown）", validators=[Optional()])
    time_limit_minutes = IntegerField(
        "限时（分钟，空为不限）", validators=[Optional(), NumberRange(1, 1440)]
    )
    opens_at = DateTimeLocalField("开始时间", format=FMT, validators=[Optional()])
    closes_at = DateTimeLocalField("结束时间", format=FMT, validators=[Optional()])
    attempts_allowed = IntegerField(
        "允许答题次数（0 为不限）", default=1, validators=[InputRequired(), NumberRange(0, 100)]
    )
    grading = SelectField("计入成绩", choices=list(GRADINGS.items()))
    shuffle_questions = BooleanField("题目乱序")
    shuffle_options = BooleanField("选项乱序")
    partial_credit = BooleanField("多选题按选对比例给分", default=True)
    review_after = SelectMultipleField(
        "交卷后立即可见", choices=list(REVIEW_PARTS.items()), validate_choice=False
    )
    review_closed = SelectMultipleField(
        "测验结束后可见", choices=list(REVIEW_PARTS.items()), validate_choice=False
    )
    audience = SelectField("参加范围", choices=list(AUDIENCES.items()))
    audience_bureaus = SelectMultipleField("指定单位", coerce=int, validate_choice=False)
    audience_users = StringField(
        "指定人员（用户名，逗号分隔）", validators=[Optional(), Length(max=5000)]
    )
    counts = BooleanField("计入大练兵积分", default=True)
    staggered_start = BooleanField("竞赛错峰开始（每人从自己开始时计时）")


class SlotForm(FlaskForm):
    points = FloatField(
        "每题分值", default=1.0, validators=[InputRequired(), NumberRange(0.01, 1000)]
    )
    bank_id = SelectField("题库", coerce=int, validate_choice=False)
    question_code = StringField(
        "固定题目编号（填写则按编号加入）", validators=[Optional(), Length(max=60)]
    )
    category_id = SelectField("随机抽题分类", coerce=int, validate_choice=False)
    qtype = SelectField("题型", validate_choice=False)
    count = IntegerField("抽题数量", default=1, validators=[InputRequired(), NumberRange(1, 500)])
    min_difficulty = IntegerField(
        "最低难度", default=1, validators=[InputRequired(), NumberRange(1, 5)]
    )
    max_difficulty = IntegerField(
        "最高难度", default=5, validators=[InputRequired(), NumberRange(1, 5)]
    )


class GradeForm(FlaskForm):
    points = FloatField("得分", validators=[InputRequired("请填写得分"), NumberRange(0, 1000)])
    feedback = TextAreaField("评语", validators=[Optional(), Length(max=2000)])


class RegradeForm(FlaskForm):
    reason = StringField("原因", validators=[Optional(), Length(max=300)])
