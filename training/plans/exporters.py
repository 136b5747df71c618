"""Excel export of the bureau study dashboard."""

from __future__ import annotations

import pandas as pd

from training.exporters import xlsx

BUREAU_COLUMNS = [
    "单位",
    "执法人员数",
    "完成模块数",
    "学习时长（小时）",
    "参加讲座人次",
    "逾期任务",
    "未开始人数",
]
OFFICER_COLUMNS = [
    "单位",
    "姓名",
    "用户名",
    "完成模块数",
    "已学课程",
    "学习时长（小时）",
    "参加讲座",
    "逾期任务",
    "状态",
]


def dashboard_xlsx(bureau_rows, officer_rows) -> bytes:
    """Two sheets: bureaus side by side, then every officer in scope."""
    bureaus = pd.DataFrame(
        [
            {
                "单位": b.bureau.short_name,
                "执法人员数": b.officers,
                "完成模块数": b.completed,
                "学习时长（小时）": b.hours,
                "参加讲座人次": b.lectures,
                "逾期任务": b.overdue,
                "未开始人数": b.not_started,
            }
            for b in bureau_rows
        ],
        columns=BUREAU_COLUMNS,
    )
    officers = pd.DataFrame(
        [
            {
                "单位": r.user.bureau.short_name,
                "姓名": r.user.display_name,
                "用户名": r.user.username,
                "完成模块数": r.completed,
                "已学课程": r.lessons_done,
                "学习时长（小时）": r.hours,
                "参加讲座": r.lectures,
                "逾期任务": r.overdue,
                "状态": "已开始" if r.started else "未开始",
            }
            for r in officer_rows
        ],
        columns=OFFICER_COLUMNS,
    )
    return xlsx({"各单位": bureaus, "人员明细": officers})
