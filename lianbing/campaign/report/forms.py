"""Forms of the summary for the province."""

from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from lianbing.campaign.report.services import MAX_SECTION

_LIMIT = Length(max=MAX_SECTION, message=f"每部分不超过 {MAX_SECTION} 字")


class SectionsForm(FlaskForm):
    overview = TextAreaField("一、基本情况", validators=[_LIMIT], render_kw={"rows": 5})
    practice = TextAreaField("二、主要做法和成效", validators=[_LIMIT], render_kw={"rows": 8})
    problems = TextAreaField("三、存在的问题和不足", validators=[_LIMIT], render_kw={"rows": 4})
    plans = TextAreaField("四、下一步工作打算", validators=[_LIMIT], render_kw={"rows": 4})
    save = SubmitField("保存")


class SubmitForm(FlaskForm):
    submit = SubmitField("提交总结")


class ReturnForm(FlaskForm):
    comment = TextAreaField(
        "修改意见", validators=[DataRequired("请填写修改意见")], render_kw={"rows": 3}
    )
    submit = SubmitField("退回修改")
