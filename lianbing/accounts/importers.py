"""Roster import from Excel: whole file or nothing, with a reason for each bad row."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from flask import current_app
from werkzeug.security import generate_password_hash

from lianbing.accounts import grants, services
from lianbing.errors import Refused
from lianbing.files.limits import read_excel
from lianbing.logconfig import event
from lianbing.parts import ROLE_LABELS

COLUMNS = ["姓名", "用户名", "所属单位", "角色", "执法证号", "手机"]
REQUIRED = ["姓名", "用户名", "所属单位", "角色"]
ROLE_BY_LABEL = {label: key for key, label in ROLE_LABELS.items()}
ROLE_BY_LABEL.update(
    {
        "执法人员": "officer",
        "培训员": "trainer",
        "法制人员": "trainer",
        "县级管理员": "bureau_admin",
        "市局管理员": "city_admin",
    }
)


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (Excel row number, reason)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_rows(data: bytes) -> pd.DataFrame:
    """Read the first sheet as text; raises services.AccountError when unreadable."""
    try:
        frame = read_excel(data, "Excel 文件", dtype=str)
    except Refused as exc:  # checked before parsing (lianbing/files/limits.py)
        raise services.AccountError(f"{exc}请使用 .xlsx 模板。", status=exc.status) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise services.AccountError(f"缺少列：{'、'.join(missing)}。请下载模板对照。")
    return frame.fillna("")


def _cell(row, name: str) -> str:
    value = row.get(name, "")
    return str(value).strip().removesuffix(".0") if value is not None else ""


def row_to_data(row, password: str | None) -> tuple[services.UserData | None, list[str]]:
    """One spreadsheet row as UserData, or the reasons it cannot be."""
    reasons = []
    bureau = services.find_bureau(_cell(row, "所属单位"))
    if bureau is None:
        reasons.append(f"找不到单位“{_cell(row, '所属单位')}”")
    role_text = _cell(row, "角色")
    role = ROLE_BY_LABEL.get(role_text, role_text if role_text in ROLE_LABELS else None)
    if role is None:
        reasons.append(f"角色“{role_text}”无效（可填：{'、'.join(ROLE_LABELS.values())}）")
    if reasons:
        return None, reasons
    return services.UserData(
        username=_cell(row, "用户名"),
        display_name=_cell(row, "姓名"),
        role=role,
        bureau_id=bureau.id,
        cert_no=_cell(row, "执法证号") or None,
        phone=_cell(row, "手机") or None,
        password=password,
    ), []


def import_roster(data: bytes, password: str, *, actor=None) -> ImportReport:
    """Validate every row, then create all users or none. Row numbers are Excel's.

    Each row must be one the actor may create (grants.py): a county admin's file with a
    市局管理员 row, or a row of another bureau, is refused whole with that row's number.
    ``actor`` None is the command line (the server's operator).
    """
    report = check_roster(data, password, actor=actor)
    if report.ok:
        report.created = create_roster(data, hash_password(password), actor=actor)
    return report


def check_roster(data: bytes, password: str, *, actor=None) -> ImportReport:
    """Every row checked, the initial password against each username too; nothing written."""
    problems = services.password_problems(password)
    if problems:
        raise services.AccountError("初始密码不可用：" + "；".join(problems) + "。")
    frame = read_rows(data)
    if frame.empty:
        raise services.AccountError("文件中没有数据行。")
    report = _checked_rows(frame, password, actor)[1]
    if not report.ok:
        _log_refused(report, len(frame), actor)
    return report


def hash_password(password: str) -> str:
    """One hash of the initial password, shared by every account of the import (each must
    change it at first login); a job keeps the hash, never the password."""
    return generate_password_hash(
        password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    )


def create_roster(data: bytes, password_hash: str, *, actor=None, progress=None) -> list[str]:
    """Create every row's user, or none: rows are checked again (the roster may have changed
    since the file was checked) and any bad row refuses the whole file."""
    actor_id = actor.id if actor is not None else None
    rows, report = _checked_rows(read_rows(data), None, actor)
    if not report.ok:
        raise services.AccountError(
            f"文件有 {len(report.errors)} 处错误，未导入任何人员："
            + "；".join(f"第 {line} 行：{reason}" for line, reason in report.errors[:20])
        )
    created = []
    for item in rows:
        created.append(services.create_user(item, actor_id=actor_id, password_hash=password_hash))
        if progress is not None and (len(created) % 50 == 0 or len(created) == len(rows)):
            progress(len(created), len(rows), "创建人员账号")
    usernames = [user.username for user in created]
    event(
        "accounts",
        "roster import by user %s: %s users created",
        actor_id,
        len(usernames),
        actor_id=actor_id,
        count=len(usernames),
    )
    return usernames


def _log_refused(report: ImportReport, rows: int, actor) -> None:
    actor_id = actor.id if actor is not None else None
    event(
        "accounts",
        "roster import by user %s refused: %s problems in %s rows",
        actor_id,
        len(report.errors),
        rows,
        actor_id=actor_id,
        count=len(report.errors),
    )


def _checked_rows(
    frame: pd.DataFrame, password: str | None, actor
) -> tuple[list[services.UserData | None], ImportReport]:
    """Every row as UserData, and a report of the reasons each bad row cannot be imported."""
    report, rows, seen = ImportReport(), [], {}
    for index, row in frame.iterrows():
        line = int(index) + 2
        item, reasons = row_to_data(row, password)
        if item:
            reasons = (
                _grant(item, actor)
                + services.validate_user_data(item)
                + (services.password_problems(password, item.username) if password else [])
                + _duplicates(item, line, seen)
            )
        report.errors.extend((line, r) for r in reasons)
        rows.append(item)
    return rows, report


def _grant(item: services.UserData, actor) -> list[str]:
    """The grant rule for this row: the role and bureau must be ones the actor may create."""
    if actor is None:
        return []
    reason = grants.refusal(actor, item.role, item.bureau_id, "导入")
    return [reason] if reason else []


def _duplicates(item: services.UserData, line: int, seen: dict) -> list[str]:
    """A username or certificate number appears once in the file."""
    reasons = []
    for key in ("username", "cert_no"):
        value = getattr(item, key)
        if value and (key, value) in seen:
            reasons.append(f"与第 {seen[(key, value)]} 行重复（{value}）")
        seen[(key, value)] = line
    return reasons
