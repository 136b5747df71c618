"""Forms of the monthly bulletins."""

from flask_wtf import FlaskForm
from wtforms import MultipleFileField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length


class BulletinForm(FlaskForm):
    title = StringField("标题", validators=[DataRequired("请填写简报标题"), Length(max=200)])
    body = TextAreaField("正文", render_kw={"rows": 14, "data-markdown-toolbar": True})
    attachments = MultipleFileField("附件（PDF、Word、Excel、图片，每个不超过 10 MB）")
    save = SubmitField("保存草稿")


class SubmitForm(FlaskForm):
    submit = SubmitField("提交简报")


class ReturnForm(FlaskForm):
    comment = TextAreaField(
        "修改意见", validators=[DataRequired("请填写修改意见")], render_kw={"rows": 3}
    )
    submit = SubmitField("退回修改")
