"""Forms of the lesson editor."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class LessonForm(FlaskForm):
    title = StringField("案例标题", validators=[DataRequired(), Length(max=200)])
    industry = StringField("行业", validators=[Length(max=100)])
    violation_type = StringField("违法类型", validators=[Length(max=100)])
    facts = TextAreaField("案情（Markdown）", validators=[Length(max=20000)])
    evidence = TextAreaField("证据", validators=[Length(max=20000)])
    decision = TextAreaField("处理决定", validators=[Length(max=20000)])
    citations = TextAreaField(
        "法律依据（法条引用键，每行一个，如 EPL2014:24）", validators=[Length(max=2000)]
    )
    interpretation = TextAreaField("以案释法：适用哪条法律、为什么", validators=[Length(max=20000)])
    mistakes = TextAreaField("常见错误", validators=[Length(max=20000)])
    is_published = BooleanField("发布给执法人员")
    due_at = DateTimeLocalField(
        "完成期限（可选；填写后，发布的案例即为全体执法人员的应参加活动，逾期未答按 0 分计）",
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
    )


class QuestionForm(FlaskForm):
    kind = SelectField("题型", choices=[("choice", "选择题"), ("text", "简答题")])
    prompt = TextAreaField("题目", validators=[DataRequired(), Length(max=2000)])
    options = TextAreaField("选项（选择题，每行一个）", validators=[Length(max=4000)])
    answer = TextAreaField(
        "正确选项序号（选择题）或参考答案（简答题）", validators=[Length(max=4000)]
    )
    explanation = TextAreaField("解析", validators=[Length(max=4000)])
