"""Forms of module authoring: modules, lessons, attachments and check questions."""

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from training.forms import ROLE_CHOICES, ChineseForm
from training.modules.services import QUESTION_KINDS


class ModuleForm(ChineseForm):
    title = StringField("模块标题", validators=[DataRequired("请填写标题"), Length(max=200)])
    summary = TextAreaField("简介", validators=[Optional(), Length(max=5000)])
    law_codes = StringField("涉及法规代码（逗号分隔）", validators=[Optional(), Length(max=200)])
    target_roles = SelectMultipleField("面向角色", choices=ROLE_CHOICES, default=["officer"])
    is_required = BooleanField("必修", default=True)
    is_published = BooleanField("发布")
    position = IntegerField("排序", default=0, validators=[Optional(), NumberRange(0, 9999)])
    pass_mark = IntegerField(
        "测验及格线（%）", default=60, validators=[NumberRange(0, 100, "须在 0 到 100 之间")]
    )
    check_size = IntegerField(
        "每次测验抽题数（0 为全部）",
        default=0,
        validators=[NumberRange(0, 500, "须在 0 到 500 之间")],
    )
    check_attempts = IntegerField(
        "测验次数上限（0 为不限）",
        default=3,
        validators=[NumberRange(0, 100, "须在 0 到 100 之间")],
    )
    check_cooldown_minutes = IntegerField(
        "未通过后间隔（分钟）",
        default=0,
        validators=[NumberRange(0, 10080, "须在 0 到 10080 之间")],
    )
    submit = SubmitField("保存")


class LessonForm(ChineseForm):
    title = StringField("课程标题", validators=[DataRequired("请填写标题"), Length(max=200)])
    body = TextAreaField(
        "正文（Markdown；用 [[EPL2014:24]] 引用法条）", validators=[Optional(), Length(max=100000)]
    )
    minutes = IntegerField(
        "预计学习分钟", default=10, validators=[NumberRange(1, 600, "须在 1 到 600 之间")]
    )
    is_required = BooleanField("必修", default=True)
    position = IntegerField("排序", default=0, validators=[Optional(), NumberRange(0, 9999)])
    submit = SubmitField("保存")


class AttachmentForm(ChineseForm):
    file = FileField(
        "附件（PDF、Word 或图片，不超过 10 MB）", validators=[FileRequired("请选择文件")]
    )
    submit = SubmitField("上传")


class QuestionForm(ChineseForm):
    kind = SelectField("题型", choices=list(QUESTION_KINDS.items()))
    prompt = TextAreaField("题干", validators=[DataRequired("请填写题干"), Length(max=2000)])
    options = TextAreaField(
        "选项（每行一个；判断题可留空）", validators=[Optional(), Length(max=4000)]
    )
    answer = StringField(
        "正确答案（字母，如 A 或 ACD；判断题填 A=正确 B=错误）",
        validators=[DataRequired("请填写答案"), Length(max=10)],
    )
    points = IntegerField("分值", default=1, validators=[NumberRange(1, 100)])
    submit = SubmitField("添加题目")
