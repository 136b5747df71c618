"""The training part's contract: its declared cross-part link and its one blueprint's templates."""

from __future__ import annotations

from lianbing.host import link_for
from training.web import bp


def test_law_article_link_is_declared(app):
    with app.test_request_context():
        assert link_for("law_article", key="EPL2014:24") == "/training/articles/EPL2014:24"


def test_every_sub_package_template_is_found(app):
    names = app.jinja_env.list_templates()
    for sub in ("laws", "modules", "lectures", "plans"):
        assert any(n.startswith(f"training/{sub}/") for n in names), sub
    assert bp.jinja_loader is not None
