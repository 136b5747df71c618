"""Forms of the column."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    MultipleFileField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length


class ArticleForm(FlaskForm):
    title = StringField("标题", validators=[DataRequired("请填写文章标题"), Length(max=200)])
    body = TextAreaField(
        "正文",
        validators=[DataRequired("请填写文章正文")],
        render_kw={"rows": 14, "data-markdown-toolbar": True},
    )
    images = MultipleFileField("图片（JPG、PNG、GIF、WebP，每张不超过 5 MB）")
    save = SubmitField("保存草稿")


class ActionForm(FlaskForm):
    submit = SubmitField("确定")


class RejectForm(FlaskForm):
    comment = TextAreaField(
        "退回原因", validators=[DataRequired("请填写退回原因")], render_kw={"rows": 3}
    )
    submit = SubmitField("退回")


class CaseForm(FlaskForm):
    enterprise = StringField(
        "企业名称", validators=[DataRequired("请填写企业名称"), Length(max=200)]
    )
    violation = TextAreaField(
        "违法行为", validators=[DataRequired("请填写违法行为")], render_kw={"rows": 3}
    )
    legal_basis = TextAreaField(
        "法律依据", validators=[DataRequired("请填写法律依据")], render_kw={"rows": 2}
    )
    decision = TextAreaField(
        "处罚决定", validators=[DataRequired("请填写处罚决定")], render_kw={"rows": 2}
    )
    decided_on = DateField("决定日期", validators=[InputRequired("请填写决定日期")])
    disclose = BooleanField("向社会公开")
    submit = SubmitField("保存")
