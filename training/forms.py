"""Forms of the training part, one per use case."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import (BooleanField, DateField, DateTimeLocalField, IntegerField, SelectField,
                     SelectMultipleField, StringField, SubmitField, TextAreaField)
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lianbing.parts import ROLE_LABELS
from training.services import LECTURE_KINDS, QUESTION_KINDS

ROLE_CHOICES = list(ROLE_LABELS.items())
LAW_FILE_MAX_BYTES = 5 * 1024 * 1024


class ChineseForm(FlaskForm):
    """WTForms' own messages ("不是有效的整数。") in Chinese, without Flask-Babel."""

    class Meta:
        locales = ["zh"]

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)


class LawImportForm(ChineseForm):
    code = StringField("法规代码", validators=[DataRequired("请填写法规代码"), Length(max=30)],
                       description="如 EPL2014；条文引用键为 代码:条号，例如 EPL2014:24")
    name = StringField("法规名称", validators=[DataRequired("请填写法规名称"), Length(max=200)])
    issuer = StringField("制定机关", validators=[Optional(), Length(max=200)])
    effective_on = DateField("施行日期", validators=[Optional()])
    file = FileField("条文文件（.txt 或 .xlsx，不超过 5 MB）", validators=[
        FileRequired("请选择文件"),
        FileAllowed(["txt", "xlsx"], "只支持 .txt（第X条 分条的纯文本）或 .xlsx（条号、条文两列）文件。"),
        FileSize(LAW_FILE_MAX_BYTES, message="条文文件不能超过 5 MB。")])
    submit = SubmitField("导入")


class ModuleForm(ChineseForm):
    title = StringField("模块标题", validators=[DataRequired("请填写标题"), Length(max=200)])
    summary = TextAreaField("简介", validators=[Optional(), Length(max=5000)])
    law_codes = StringField("涉及法规代码（逗号分隔）", validators=[Optional(), Length(max=200)])
    target_roles = SelectMultipleField("面向角色", choices=ROLE_CHOICES, default=["officer"])
    is_required = BooleanField("必修", default=True)
    is_published = BooleanField("发布")
    position = IntegerField("排序", default=0, validators=[Optional(), NumberRange(0, 9999)])
    pass_mark = IntegerField("测验及格线（%）", default=60, validators=[NumberRange(0, 100, "须在 0 到 100 之间")])
    submit = SubmitField("保存")


class LessonForm(ChineseForm):
    title = StringField("课程标题", validators=[DataRequired("请填写标题"), Length(max=200)])
    body = TextAreaField("正文（Markdown；用 [[EPL2014:24]] 引用法条）", validators=[Optional(), Length(max=100000)])
    minutes = IntegerField("预计学习分钟", default=10, validators=[NumberRange(1, 600, "须在 1 到 600 之间")])
    is_required = BooleanField("必修", default=True)
    position = IntegerField("排序", default=0, validators=[Optional(), NumberRange(0, 9999)])
    submit = SubmitField("保存")


class AttachmentForm(ChineseForm):
    file = FileField("附件（PDF、Word 或图片，不超过 10 MB）", validators=[FileRequired("请选择文件")])
    submit = SubmitField("上传")


class QuestionForm(ChineseForm):
    kind = SelectField("题型", choices=list(QUESTION_KINDS.items()))
    prompt = TextAreaField("题干", validators=[DataRequired("请填写题干"), Length(max=2000)])
    options = TextAreaField("选项（每行一个；判断题可留空）", validators=[Optional(), Length(max=4000)])
    answer = StringField("正确答案（字母，如 A 或 ACD；判断题填 A=正确 B=错误）",
                         validators=[DataRequired("请填写答案"), Length(max=10)])
    points = IntegerField("分值", default=1, validators=[NumberRange(1, 100)])
    submit = SubmitField("添加题目")


class LectureForm(ChineseForm):
    title = StringField("名称", validators=[DataRequired("请填写名称"), Length(max=200)])
    kind = SelectField("类型", choices=list(LECTURE_KINDS.items()))
    starts_at = DateTimeLocalField("开始时间", format="%Y-%m-%dT%H:%M", validators=[InputRequired("请填写开始时间")])
    ends_at = DateTimeLocalField("结束时间", format="%Y-%m-%dT%H:%M", validators=[InputRequired("请填写结束时间")])
    place = StringField("地点", validators=[Optional(), Length(max=200)])
    speaker = StringField("主讲人", validators=[Optional(), Length(max=100)])
    #: checked by the service, which explains a refusal in Chinese
    bureau_id = SelectField("主办单位", coerce=int, validate_choice=False)
    audience = SelectMultipleField("参加对象", choices=ROLE_CHOICES, default=["officer"])
    submit = SubmitField("保存")


class SignInForm(ChineseForm):
    code = StringField("签到码", validators=[DataRequired("请输入签到码"), Length(max=8)])
    submit = SubmitField("签到")


class AttendanceForm(ChineseForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=50)])
    submit = SubmitField("补录签到")


class PlanForm(ChineseForm):
    module_id = SelectField("学习模块", coerce=int, validate_choice=False)
    role = SelectField("对象角色", choices=[("", "全部角色")] + ROLE_CHOICES, default="officer")
    bureau_id = SelectField("对象单位", coerce=int, validate_choice=False)
    due_on = DateField("截止日期", validators=[InputRequired("请填写截止日期")])
    submit = SubmitField("分配")
