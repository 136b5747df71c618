"""Forms of case files: the case, a document upload, a pasted record, the Excel list."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    FloatField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from casestudies.casefiles.models import CATEGORIES, DOC_TYPES, RECORD_KINDS, STAGE_DATES
from casestudies.casefiles.services import MAX_PAGES, CaseData
from casestudies.errors import CaseError


class CaseForm(FlaskForm):
    case_no = StringField("文号", validators=[DataRequired(), Length(max=80)])
    category = SelectField("案件类别", choices=list(CATEGORIES.items()))
    party = StringField("当事人", validators=[DataRequired(), Length(max=200)])
    violation = TextAreaField("违法行为", validators=[Length(max=5000)])
    legal_basis = TextAreaField("法律依据", validators=[Length(max=5000)])
    decision = TextAreaField("处罚决定", validators=[Length(max=5000)])
    amount = FloatField("罚款金额（元）", validators=[Optional(), NumberRange(min=0)])
    filed_on = DateField("立案日期", validators=[DataRequired()])
    investigated_on = DateField("调查终结日期", validators=[Optional()])
    notified_on = DateField("告知日期", validators=[Optional()])
    decided_on = DateField("决定日期", validators=[Optional()])
    served_on = DateField("送达日期", validators=[Optional()])
    closed_on = DateField("结案日期", validators=[DataRequired()])
    officer_ids = SelectMultipleField("承办人员", coerce=int)

    def data_of(self) -> CaseData:
        return CaseData(
            case_no=self.case_no.data,
            category=self.category.data,
            party=self.party.data,
            violation=self.violation.data or "",
            legal_basis=self.legal_basis.data or "",
            decision=self.decision.data or "",
            amount=self.amount.data,
            dates={key: getattr(self, key).data for key in STAGE_DATES},
            officer_ids=list(self.officer_ids.data or []),
        )


class DocumentForm(FlaskForm):
    doc_type = SelectField("文书类型", choices=list(DOC_TYPES.items()))
    pages = IntegerField("页数", default=1, validators=[NumberRange(min=1, max=MAX_PAGES)])
    file = FileField("文件（PDF、图片或 Word）", validators=[FileRequired("请选择文件。")])


class RecordForm(FlaskForm):
    record_type = SelectField("笔录类型", choices=list(RECORD_KINDS.items()))
    text = TextAreaField("笔录文本", validators=[DataRequired(), Length(max=30000)])


class ImportForm(FlaskForm):
    file = FileField("案卷目录（.xlsx）", validators=[FileRequired("请选择文件。")])


class DrawForm(FlaskForm):
    bureau_id = SelectField("单位", coerce=int)
    size = IntegerField("抽取份数", default=1, validators=[NumberRange(min=1, max=100)])
    seed = StringField("随机种子（留空自动生成）", validators=[Optional(), Length(max=64)])


class GroupForm(FlaskForm):
    name = StringField("评查组名称", validators=[DataRequired(), Length(max=100)])
    table_id = SelectField("评查表", coerce=int)
    leader_id = SelectField("组长", coerce=int)
    member_ids = SelectMultipleField("评查人员", coerce=int)
    tolerance = FloatField("允许分差（分）", default=5.0, validators=[NumberRange(min=0, max=100)])


class TableImportForm(FlaskForm):
    file = FileField("评查表 JSON", validators=[FileRequired("请选择文件。")])


def sheet_from_form(formdata, items: dict[str, dict]) -> dict[str, dict]:
    """The review sheet posted as ``<key>-points``, ``<key>-failed``, ``-comment``, ``-page``."""
    out = {}
    for key, item in items.items():
        entry = {
            "comment": formdata.get(f"{key}-comment", "")[:1000],
            "page": formdata.get(f"{key}-page", "")[:40],
        }
        if item["part"] == "veto":
            entry["failed"] = formdata.get(f"{key}-failed") == "1"
        else:
            entry["points"] = formdata.get(f"{key}-points", "").strip()
        out[key] = entry
    return out


def quotas_from_form(formdata) -> dict[str, int | None]:
    """The city's quotas posted as ``quota-<category>``: a whole number, or blank for none."""
    out: dict[str, int | None] = {}
    for key, label in CATEGORIES.items():
        raw = formdata.get(f"quota-{key}", "").strip()
        if raw and not raw.isdigit():
            raise CaseError(f"“{label}”的自选限额“{raw[:20]}”不是非负整数。")
        out[key] = int(raw) if raw else None
    return out
