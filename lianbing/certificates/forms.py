"""Forms of the certificates pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length


class IssueForm(FlaskForm):
    #: "<source ref>|<holder key>" per ticked row; the service, not the form, judges each one,
    #: so a pick nobody qualifies for is refused with the service's reason
    picks = SelectMultipleField("颁发对象", validate_choice=False)


class RevokeForm(FlaskForm):
    reason = StringField("撤销原因", validators=[DataRequired(), Length(max=500)])
