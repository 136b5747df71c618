"""The workbook writer shared by the sub-packages' exporters."""

from __future__ import annotations

import pandas as pd

from lianbing.host import xlsx_bytes


def xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One workbook with a sheet per frame, in order (the host's writer: user text stays text)."""
    return xlsx_bytes(sheets)
