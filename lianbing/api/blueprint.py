"""The API blueprint: the JSON API under /api/v1/ (api.py) and the city's token pages (views.py)."""

from flask import Blueprint

bp = Blueprint("api", __name__, template_folder="templates")
