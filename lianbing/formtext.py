"""WTForms' built-in messages in Chinese, for every form of the host and the parts.

WTForms ships a ``zh`` catalogue, but it lacks some messages (the multiple-choice one, lengths
in the plural, dates); those read "'9' is not a valid choice for this field." to a clerk. The
catalogue is used as it is and the missing messages are added here. A message never repeats
the submitted value: a choice's value is an internal id, not something people read.
"""

from __future__ import annotations

from wtforms.i18n import get_translations

CHOICE = "所选项目不在可选范围内（可能已被删除或停用），请重新选择。"
LENGTH = "长度须在 %(min)d 到 %(max)d 个字之间。"

MISSING = {
    "Field must be at least %(min)d character long.": "至少要填 %(min)d 个字。",
    "Field must be at least %(min)d characters long.": "至少要填 %(min)d 个字。",
    "Field cannot be longer than %(max)d character.": "不能超过 %(max)d 个字。",
    "Field cannot be longer than %(max)d characters.": "不能超过 %(max)d 个字。",
    "Field must be exactly %(max)d character long.": "必须是 %(max)d 个字。",
    "Field must be exactly %(max)d characters long.": "必须是 %(max)d 个字。",
    "Field must be between %(min)d and %(max)d characters long.": LENGTH,
    "Date must be at least %(min)s.": "日期不能早于 %(min)s。",
    "Date must be at most %(max)s.": "日期不能晚于 %(max)s。",
    "Date must be between %(min)s and %(max)s.": "日期须在 %(min)s 到 %(max)s 之间。",
    "This field cannot be edited.": "此项不能修改。",
    "This field is disabled and cannot have a value.": "此项已停用，不能填写。",
    "'%(value)s' is not a valid choice for this field.": CHOICE,
    "'%(value)s' are not valid choices for this field.": "有" + CHOICE,
    "Not a valid week value.": "不是有效的周。",
    "Not a valid choice.": CHOICE,
}


class ChineseMessages:
    """The ``gettext``/``ngettext`` pair WTForms asks for: its zh catalogue plus MISSING."""

    def __init__(self) -> None:
        self.catalogue = get_translations(["zh"])

    def gettext(self, string: str) -> str:
        return MISSING.get(string) or self.catalogue.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        chosen = singular if n == 1 else plural
        return MISSING.get(chosen) or self.catalogue.ngettext(singular, plural, n)


MESSAGES = ChineseMessages()


def translations(meta, form) -> ChineseMessages:
    """``Meta.get_translations`` of every FlaskForm."""
    return MESSAGES
