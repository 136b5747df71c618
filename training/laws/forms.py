"""Forms of the law library."""

from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import DateField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from training.forms import ChineseForm

LAW_FILE_MAX_BYTES = 5 * 1024 * 1024


class LawImportForm(ChineseForm):
    code = StringField(
        "法规代码",
        validators=[DataRequired("请填写法规代码"), Length(max=30)],
        description="如 EPL2014；条文引用键为 代码:条号，例如 EPL2014:24",
    )
    name = StringField("法规名称", validators=[DataRequired("请填写法规名称"), Length(max=200)])
    issuer = StringField("制定机关", validators=[Optional(), Length(max=200)])
    effective_on = DateField("施行日期", validators=[Optional()])
    file = FileField(
        "条文文件（.txt 或 .xlsx，不超过 5 MB）",
        validators=[
            FileRequired("请选择文件"),
            FileAllowed(
                ["txt", "xlsx"], "只支持 .txt（第X条 分条的纯文本）或 .xlsx（条号、条文两列）文件。"
            ),
            FileSize(LAW_FILE_MAX_BYTES, message="条文文件不能超过 5 MB。"),
        ],
    )
    submit = SubmitField("导入")
