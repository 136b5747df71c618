"""The scoring blueprint, shared by the view modules of the package."""
from flask import Blueprint

bp = Blueprint("scoring", __name__, url_prefix="/scores")
