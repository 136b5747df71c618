"""Every built-in WTForms message reads in Chinese, through the translations every form uses."""

from __future__ import annotations

import re
from pathlib import Path

import wtforms
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length

CJK = re.compile(r"[\u4e00-\u9fff]")
POT = Path(wtforms.__file__).parent / "locale" / "wtforms.pot"


def _messages() -> list[tuple[str, str]]:
    pairs = re.findall(r'msgid "(.+?)"\n(?:msgid_plural "(.+?)"\n)?', POT.read_text("utf-8"))
    assert len(pairs) > 30  # the catalogue template was read
    return pairs


def test_every_wtforms_message_has_a_chinese_text(app):
    with app.test_request_context():
        messages = FlaskForm().meta.get_translations(FlaskForm())
    for singular, plural in _messages():
        assert CJK.search(messages.gettext(singular)), singular
        if plural:
            assert CJK.search(messages.ngettext(singular, plural, 1)), singular
            assert CJK.search(messages.ngettext(singular, plural, 3)), plural


def test_a_form_says_its_errors_in_chinese(app):
    class Sample(FlaskForm):
        class Meta:
            csrf = False

        name = StringField("姓名", validators=[DataRequired(), Length(min=2, max=4)])
        age = IntegerField("年龄")
        picks = SelectMultipleField("组员", coerce=int, choices=[(1, "甲"), (2, "乙")])

    with app.test_request_context(
        method="POST", data={"name": "张三丰李四", "age": "x", "picks": ["9"]}
    ):
        form = Sample()
        assert not form.validate()
    errors = [e for field in form for e in field.errors]
    assert len(errors) == 3 and all(CJK.search(e) for e in errors), errors
    assert not any("9" in e or "valid" in e for e in errors)
