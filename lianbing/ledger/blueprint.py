"""The ledger's blueprint, shared by its views and its CLI commands (``flask ledger …``)."""

from flask import Blueprint

bp = Blueprint("ledger", __name__, url_prefix="/scores", template_folder="templates")
