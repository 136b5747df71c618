"""Lianbing (练兵): the host application."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from lianbing.config import Config, TestingConfig  # noqa: F401  (re-exported for callers)
from lianbing.errors import register_errorhandlers
from lianbing.lifecycle import register_lifecycle
from lianbing.logconfig import configure_logging
from lianbing.parts import register_parts
from lianbing.security import register_input_guards, register_security
from lianbing.setup import (
    configure_models,
    register_blueprints,
    register_bureau_measures,
    register_commands,
    register_evaluation_evidence,
    register_extensions,
    register_host_words,
    register_job_kinds,
    register_signal_receivers,
    register_template_helpers,
)


def create_app(config: Config | None = None, *, parts=None) -> Flask:
    """Build the application: a table of contents."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object((config or Config()).init())
    configure_logging(app)
    register_security(app)
    register_extensions(app)
    register_blueprints(app)
    register_parts(app, parts)
    configure_models()
    register_host_words(app)
    register_bureau_measures(app)
    register_evaluation_evidence(app)
    register_job_kinds(app)
    register_signal_receivers(app)
    register_commands(app)
    register_lifecycle(app)
    register_input_guards(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    if app.config.get("TRUSTED_PROXIES"):
        # the client address (throttling, audit) from X-Forwarded-For, set by our proxies only
        count = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
    return app
