"""The workbook writer shared by the sub-packages' exporters."""

from __future__ import annotations

import io

import pandas as pd


def xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One workbook with a sheet per frame, in order."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()
