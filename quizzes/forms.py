"""Forms of the question bank pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.i18n import get_translations
from wtforms.validators import DataRequired, Length, Optional

from quizzes import exporters, importers, qtypes
from quizzes.models import VISIBILITIES

ZH = get_translations(["zh"])
TYPE_CHOICES = [(name, t.label) for name, t in qtypes.QUESTION_TYPES.items()]
DIFFICULTY_CHOICES = [
    (str(n), f"{n}（{label}）") for n, label in zip(range(1, 6), ("易", "较易", "中", "较难", "难"))
]
FORMAT_LABELS = {
    "auto": "自动识别（按扩展名）",
    **{k: v.label for k, v in importers.IMPORTERS.items()},
}
EXPORT_CHOICES = [(k, v.label) for k, v in exporters.EXPORTERS.items()]


class ChineseForm(FlaskForm):
    """WTForms' own messages ("Not a valid choice") in Chinese."""

    class Meta:
        def get_translations(self, form):
            return ZH


class BankForm(ChineseForm):
    name = StringField("题库名称", validators=[DataRequired("请填写题库名称"), Length(max=100)])
    description = TextAreaField("说明", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("新建题库")


class ImportForm(ChineseForm):
    bank = StringField(
        "导入到题库（不存在则新建）", validators=[DataRequired("请填写题库名称"), Length(max=100)]
    )
    file = FileField(
        "题目文件（.xlsx、.csv、.xml、.gift、.txt）",
        validators=[FileRequired("请选择要导入的文件")],
        render_kw={"accept": ".xlsx,.xls,.csv,.xml,.gift,.txt,.docx"},
    )
    fmt = SelectField("格式", choices=list(FORMAT_LABELS.items()), default="auto")
    visibility = SelectField(
        "题库可见范围",
        choices=[("", "不改变（新建的题库为草稿）"), *VISIBILITIES.items()],
        default="",
    )
    skip_invalid = BooleanField("跳过无法识别的题目，导入其余题目")
    submit = SubmitField("导入")


class SearchForm(ChineseForm):
    """GET filters of the bank browser (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

        def get_translations(self, form):
            return ZH

    q = StringField("题干或编号", validators=[Optional()])
    tag = StringField("标签", validators=[Optional()])
    basis = StringField("法规依据", validators=[Optional()])
    qtype = SelectField("题型", choices=[("", "全部题型"), *TYPE_CHOICES], default="")
    difficulty = SelectField("难度", choices=[("", "全部难度"), *DIFFICULTY_CHOICES], default="")
    category = SelectField("分类", choices=[("", "全部分类")], default="")
    active = SelectField("状态", choices=[("", "全部"), ("1", "启用"), ("0", "停用")], default="")


class QuestionForm(ChineseForm):
    qtype = SelectField("题型", choices=TYPE_CHOICES, default="single")
    code = StringField("编号（留空自动生成）", validators=[Optional(), Length(max=60)])
    stem = TextAreaField(
        "题干（Markdown；填空题用 {{1}}、{{2}} 标出空）", validators=[DataRequired("请填写题干")]
    )
    options = TextAreaField(
        "选项（每行一个；匹配题每行“左项 -> 右项”，只写“-> 右项”为干扰项）", validators=[Optional()]
    )
    answer = TextAreaField("答案", validators=[Optional()])
    case_sensitive = BooleanField("填空题区分大小写")
    unit = StringField("数值题单位", validators=[Optional(), Length(max=20)])
    explanation = TextAreaField("解析（Markdown）", validators=[Optional()])
    legal_basis = StringField(
        "法规依据（法律名称和条款）", validators=[Optional(), Length(max=300)]
    )
    difficulty = SelectField("难度", choices=DIFFICULTY_CHOICES, default="3")
    category = StringField("分类（多级用“/”分隔）", validators=[Optional(), Length(max=500)])
    tags = StringField("标签（逗号分隔）", validators=[Optional(), Length(max=500)])
    is_active = BooleanField("启用", default=True)
    submit = SubmitField("保存")


class BulkForm(ChineseForm):
    action = SelectField(
        "批量操作",
        choices=[
            ("move", "移动到分类"),
            ("tag", "添加标签"),
            ("deactivate", "停用"),
            ("activate", "启用"),
        ],
    )
    target = StringField("分类或标签", validators=[Optional(), Length(max=500)])
    submit = SubmitField("执行")
