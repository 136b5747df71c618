"""Forms of the API package, one per use case."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class TokenForm(FlaskForm):
    name = StringField("用途", validators=[DataRequired("请填写令牌用途"), Length(max=100)])
    bureau_id = SelectField("限定单位", coerce=int)
    submit = SubmitField("签发令牌")


class RevokeForm(FlaskForm):
    submit = SubmitField("吊销")
