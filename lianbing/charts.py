"""Helpers of the server-side SVG charts in ``templates/_macros.html``."""

from __future__ import annotations

#: font sizes tried, largest first, before a label is shortened
SIZES = (10, 9, 8, 7)


def _width(text: str) -> float:
    """A label's width in ems: Latin letters and digits about 0.6, Chinese characters 1."""
    return sum(0.6 if ord(ch) < 128 else 1.0 for ch in text)


def fit_label(text: str, width: float) -> tuple[str, int]:
    """(label, font size) fitting ``width`` SVG units: a smaller font first, "…" only last."""
    text = str(text)
    for size in SIZES:
        if _width(text) * size <= width:
            return text, size
    size, kept = SIZES[-1], ""
    for ch in text:
        if (_width(kept + ch) + 1) * size > width:
            break
        kept += ch
    return (kept or text[:1]) + "…", size
