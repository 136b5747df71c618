"""A complete inspection record as the record-writing page posts it, shared by the view tests."""

from __future__ import annotations

INSPECTION_FORM = {
    "start_time": "2017-07-20T09:30",
    "end_time": "2017-07-20T10:30",
    "place": "电镀车间",
    "unit": "某公司",
    "legal_rep": "王某",
    "contact": "138",
    "recorder": "王",
    "officer_name": ["甲", "乙"],
    "officer_cert": ["44140200001", "44140200002"],
    "body": "出示执法证件。检查时正在生产。",
    "confirmation": "属实",
    "signed_on": "2017-07-20",
}


def record_form(exercise=None, **extra) -> dict:
    """The inspection record form, with ``extra`` fields (e.g. ``action="submit"``) on top."""
    return INSPECTION_FORM | extra
