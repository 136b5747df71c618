"""A rubric in its JSON export format (the format ``import_rubric`` reads back)."""

from __future__ import annotations

import json


def rubric_json(data: dict) -> bytes:
    """The rubric data as UTF-8 JSON, Chinese kept readable."""
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
