"""The county's case list from Excel: every row checked, then all cases stored or none."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import load_workbook
from sqlalchemy import select

from casestudies.casefiles import services
from casestudies.casefiles.models import CATEGORIES, STAGE_DATES
from casestudies.errors import CaseError
from lianbing.host import User, check_xlsx, db, log_event, write_audit, xlsx_bytes

COLUMNS = ["文号", "案件类别", "当事人", "违法行为", "法律依据", "处罚决定", "罚款金额（元）"]
DATE_COLUMNS = {key: f"{label}日期" for key, label in STAGE_DATES.items()}
OFFICER_COLUMN = "承办人员"
HEADER = COLUMNS + list(DATE_COLUMNS.values()) + [OFFICER_COLUMN]
REQUIRED = ["文号", "案件类别", "当事人", "立案日期", "结案日期", OFFICER_COLUMN]
CATEGORY_BY_LABEL = {label: key for key, label in CATEGORIES.items()}
MAX_ROWS = 2000


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (Excel row number, reason)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_rows(raw: bytes) -> list[tuple[int, dict]]:
    """(Excel row number, {column: value}) for every non-empty row of the first sheet."""
    check_xlsx(raw, "案卷目录")  # bounded before parsing: members, size, ratio, sheet extent
    try:
        sheet = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2))
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise CaseError(
            "无法读取案卷目录：文件已损坏或不是 .xlsx 格式。请用 Excel 打开后另存为 .xlsx，"
            "或下载模板填写后重新上传。"
        ) from exc
    if not rows:
        raise CaseError("文件中没有数据行。")
    head = [str(c or "").strip() for c in rows[0]]
    missing = [c for c in REQUIRED if c not in head]
    if missing:
        raise CaseError(f"缺少列：{'、'.join(missing)}。请下载模板对照。")
    out = [
        (n, dict(zip(head, values)))
        for n, values in enumerate(rows[1:], start=2)
        if any(v not in (None, "") for v in values)
    ]
    if not out:
        raise CaseError("文件中没有数据行。")
    return out


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip().removesuffix(".0") if isinstance(value, float) else str(value).strip()


def _date(value, label: str, reasons: list[str]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(_text(value).replace("/", "-").replace(".", "-"))
    except ValueError:
        reasons.append(f"{label}“{_text(value)}”不是日期（如 2026-03-01）")
        return None


def _officers(cell, bureau_id: int, reasons: list[str]) -> list[int]:
    """Officers named by user name or, within the bureau, by display name."""
    ids = []
    for name in [n.strip() for n in _text(cell).replace("，", "、").replace(",", "、").split("、")]:
        if not name:
            continue
        found = db.session.scalars(
            select(User).where(
                User.bureau_id == bureau_id,
                (User.username == name) | (User.display_name == name),
            )
        ).all()
        if len(found) != 1:
            reasons.append(
                f"承办人员“{name}”{'重名，请填用户名' if found else '不在本单位花名册中'}"
            )
        else:
            ids.append(found[0].id)
    return ids


def row_to_data(row: dict, bureau_id: int) -> tuple[services.CaseData | None, list[str]]:
    """One spreadsheet row as CaseData, or the reasons it cannot be."""
    reasons: list[str] = []
    label = _text(row.get("案件类别"))
    category = CATEGORY_BY_LABEL.get(label, label if label in CATEGORIES else None)
    if category is None:
        reasons.append(f"案件类别“{label}”无效（可填：{'、'.join(CATEGORIES.values())}）")
    amount_text = _text(row.get("罚款金额（元）"))
    amount = None
    if amount_text:
        try:
            amount = float(amount_text)
        except ValueError:
            reasons.append(f"罚款金额“{amount_text}”不是数字")
    dates = {key: _date(row.get(col), col, reasons) for key, col in DATE_COLUMNS.items()}
    officer_ids = _officers(row.get(OFFICER_COLUMN), bureau_id, reasons)
    if reasons:
        return None, reasons
    return services.CaseData(
        case_no=_text(row.get("文号")),
        category=category,
        party=_text(row.get("当事人")),
        violation=_text(row.get("违法行为")),
        legal_basis=_text(row.get("法律依据")),
        decision=_text(row.get("处罚决定")),
        amount=amount,
        dates=dates,
        officer_ids=officer_ids,
    ), []


def import_cases(raw: bytes, *, bureau_id: int, actor_id: int) -> ImportReport:
    """Check every row, then create every case or none. Row numbers are Excel's."""
    report, items, seen = ImportReport(), [], {}
    for line, row in read_rows(raw):
        item, reasons = row_to_data(row, bureau_id)
        if item:
            reasons = _checked(item, bureau_id)
            if item.case_no.strip() in seen:
                reasons.append(f"文号与第 {seen[item.case_no.strip()]} 行重复")
            seen.setdefault(item.case_no.strip(), line)
        report.errors.extend((line, r) for r in reasons)
        items.append(item)
    if report.ok:
        report.created = [
            services.save_case(None, item, bureau_id=bureau_id, actor_id=actor_id).case_no
            for item in items
        ]
    else:
        write_audit(
            "casestudies.casefile.import_refused",
            "bureau",
            bureau_id,
            actor_id=actor_id,
            bureau_id=bureau_id,
            reason="；".join(f"第 {n} 行：{r}" for n, r in report.errors[:20]),
        )
    log_event(
        "casestudies",
        "case list import for bureau %s: %s created, %s problems",
        bureau_id,
        len(report.created),
        len(report.errors),
        actor_id=actor_id,
    )
    return report


def _checked(item: services.CaseData, bureau_id: int) -> list[str]:
    try:
        services.check_case(item, bureau_id)
    except CaseError as exc:
        return [str(exc)]
    return []


def template() -> bytes:
    """An empty case list with the expected header row."""
    return xlsx_bytes({"案卷目录": [HEADER]})
