"""Routes of the quizzes part."""
from flask import Blueprint, render_template

from lianbing.auth import any_user
from quizzes import services  # noqa: F401  (imports the models)

bp = Blueprint("quizzes", __name__, template_folder="templates")


@bp.route("/")
@any_user
def index():
    return render_template("quizzes/index.html")
