"""The part's one blueprint, shared by the sub-packages' views (endpoints ``training.*``).

Each sub-package keeps its templates beside its code (``training/<sub>/templates/training/<sub>/``);
the blueprint looks in all four folders, so endpoint names and URLs stay those of one part.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint
from jinja2 import FileSystemLoader

SUBPACKAGES = ("laws", "modules", "lectures", "plans")
HERE = Path(__file__).resolve().parent

bp = Blueprint("training", __name__)
bp.jinja_loader = FileSystemLoader([str(HERE / sub / "templates") for sub in SUBPACKAGES])
