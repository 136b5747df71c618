"""Forms of the summary report and self-evaluation (item fields are read from request.form)."""

from flask_wtf import FlaskForm
from wtforms import FloatField, MultipleFileField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange


class ItemForm(FlaskForm):
    name = StringField("考核项目", validators=[DataRequired("请填写项目名称"), Length(max=100)])
    max_points = FloatField(
        "满分",
        validators=[
            InputRequired("请填写满分"),
            NumberRange(0.1, 1000, "满分须在 0.1 到 1000 之间"),
        ],
    )
    description = TextAreaField("评分说明", render_kw={"rows": 2})
    submit = SubmitField("添加项目")


class ReportForm(FlaskForm):
    body = TextAreaField("总结报告", render_kw={"rows": 12, "data-markdown-toolbar": True})
    attachments = MultipleFileField("佐证材料（PDF、Word、Excel、图片，每个不超过 10 MB）")
    save = SubmitField("保存")


class SubmitForm(FlaskForm):
    submit = SubmitField("提交总结和自评")


class ReviewForm(FlaskForm):
    comment = TextAreaField("总体评价", render_kw={"rows": 3})
    submit = SubmitField("保存评分")
