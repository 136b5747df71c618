"""Roster exports and the import template, as Excel."""

from __future__ import annotations

import pandas as pd

from lianbing.accounts.importers import COLUMNS
from lianbing.accounts.models import User
from lianbing.files.excel import xlsx_bytes
from lianbing.parts import ROLE_LABELS


def to_xlsx(frame: pd.DataFrame, sheet: str) -> bytes:
    """One frame as an .xlsx file (through the safe writer: names stay text)."""
    return xlsx_bytes({sheet: frame})


def template_xlsx() -> bytes:
    """The roster import template with one example row."""
    example = [["张三", "zhangsan", "441402", "执法人员", "4414020099", "13800000000"]]
    return to_xlsx(pd.DataFrame(example, columns=COLUMNS), "人员名单")


def roster_xlsx(users: list[User]) -> bytes:
    rows = [
        [
            u.display_name,
            u.username,
            u.bureau.short_name,
            ROLE_LABELS[u.role],
            u.cert_no or "",
            u.phone or "",
            "在用" if u.is_active else "停用",
        ]
        for u in users
    ]
    return to_xlsx(pd.DataFrame(rows, columns=[*COLUMNS, "状态"]), "人员名单")
