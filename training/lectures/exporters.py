"""Excel export of a lecture's attendance list."""

from __future__ import annotations

import pandas as pd

from lianbing.host import ROLE_LABELS, to_local
from training.exporters import xlsx
from training.lectures.models import Lecture

COLUMNS = ["序号", "姓名", "单位", "岗位", "执法证号", "签到时间", "计入学时（分钟）"]


def attendance_xlsx(lecture: Lecture) -> bytes:
    """One row per signed-in person."""
    rows = [
        {
            "序号": i,
            "姓名": a.user.display_name,
            "单位": a.user.bureau.short_name,
            "岗位": ROLE_LABELS.get(a.user.role, a.user.role),
            "执法证号": a.user.cert_no or "",
            "签到时间": to_local(a.signed_at).strftime("%Y-%m-%d %H:%M"),
            "计入学时（分钟）": a.minutes,
        }
        for i, a in enumerate(lecture.attendances, start=1)
    ]
    return xlsx({"签到表": pd.DataFrame(rows, columns=COLUMNS)})
