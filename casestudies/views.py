"""Routes of the casestudies part."""
from flask import Blueprint, render_template

from lianbing.auth import any_user

bp = Blueprint("casestudies", __name__, template_folder="templates")


@bp.route("/")
@any_user
def index():
    return render_template("casestudies/index.html")
