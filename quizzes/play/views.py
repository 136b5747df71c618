"""Routes placeholder (replaced below)."""
from quizzes.views import bp  # noqa: F401
from quizzes.play import board, analysis, practice, services  # noqa: F401
