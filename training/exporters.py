"""Excel exports: a lecture's attendance list and the study dashboard."""
from __future__ import annotations

import io

import pandas as pd

from lianbing.dbtypes import to_local
from lianbing.parts import ROLE_LABELS
from training.models import Lecture


def _xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


def attendance_xlsx(lecture: Lecture) -> bytes:
    """One row per signed-in person."""
    rows = [{"序号": i, "姓名": a.user.display_name, "单位": a.user.bureau.short_name,
             "岗位": ROLE_LABELS.get(a.user.role, a.user.role), "执法证号": a.user.cert_no or "",
             "签到时间": to_local(a.signed_at).strftime("%Y-%m-%d %H:%M"), "计入学时（分钟）": a.minutes}
            for i, a in enumerate(lecture.attendances, start=1)]
    columns = ["序号", "姓名", "单位", "岗位", "执法证号", "签到时间", "计入学时（分钟）"]
    return _xlsx({"签到表": pd.DataFrame(rows, columns=columns)})


def dashboard_xlsx(bureau_rows, officer_rows) -> bytes:
    """Two sheets: bureaus side by side, then every officer in scope."""
    bureaus = pd.DataFrame([{"单位": b.bureau.short_name, "执法人员数": b.officers, "完成模块数": b.completed,
                             "学习时长（小时）": b.hours, "参加讲座人次": b.lectures, "逾期任务": b.overdue,
                             "未开始人数": b.not_started} for b in bureau_rows],
                           columns=["单位", "执法人员数", "完成模块数", "学习时长（小时）", "参加讲座人次",
                                    "逾期任务", "未开始人数"])
    officers = pd.DataFrame([{"单位": r.user.bureau.short_name, "姓名": r.user.display_name,
                              "用户名": r.user.username, "完成模块数": r.completed, "已学课程": r.lessons_done,
                              "学习时长（小时）": r.hours, "参加讲座": r.lectures, "逾期任务": r.overdue,
                              "状态": "已开始" if r.started else "未开始"} for r in officer_rows],
                            columns=["单位", "姓名", "用户名", "完成模块数", "已学课程", "学习时长（小时）",
                                     "参加讲座", "逾期任务", "状态"])
    return _xlsx({"各单位": bureaus, "人员明细": officers})
