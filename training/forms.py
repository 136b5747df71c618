"""The form base of the training part; each sub-package's ``forms.py`` builds on it."""

from flask_wtf import FlaskForm
from wtforms.meta import DefaultMeta

from lianbing.host import ROLE_LABELS

ROLE_CHOICES = list(ROLE_LABELS.items())


class ChineseForm(FlaskForm):
    """WTForms' own messages ("不是有效的整数。") in Chinese, without Flask-Babel."""

    class Meta:
        locales = ["zh"]

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)
