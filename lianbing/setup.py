"""The helpers create_app() calls, one concern each."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import configure_mappers

from lianbing import (  # noqa: F401  (models: the full metadata)
    activities,
    charts,
    cli,
    formtext,
    ledger,
    models,
    rankings,
    signals,
    words,
)
from lianbing.accounts import jobs as accounts_jobs
from lianbing.accounts.views import bp as accounts_bp
from lianbing.api.views import bp as api_bp
from lianbing.audit.views import bp as audit_bp
from lianbing.campaign.bulletins import jobs as bulletins_jobs
from lianbing.campaign.bulletins import services as bulletins
from lianbing.campaign.bulletins.views import bp as bulletins_bp
from lianbing.campaign.column.views import bp as column_bp
from lianbing.campaign.drills.views import bp as drills_bp
from lianbing.campaign.evaluation import evidence as evaluation_evidence
from lianbing.campaign.evaluation import services as evaluation
from lianbing.campaign.evaluation.views import bp as evaluation_bp
from lianbing.campaign.report import evidence as report_evidence
from lianbing.campaign.report.views import bp as report_bp
from lianbing.campaign.views import bp as campaign_bp
from lianbing.campaign.views import calendar_bp
from lianbing.certificates.views import bp as certificates_bp
from lianbing.dbtypes import to_local
from lianbing.documents import score_text
from lianbing.extensions import bootstrap, cache, csrf, db, login_manager, migrate
from lianbing.jobs.cli import jobs_cli
from lianbing.jobs.kinds import register_kind as register_job_kind
from lianbing.jobs.views import bp as jobs_bp
from lianbing.ledger.views import bp as ledger_bp
from lianbing.main.views import bp as main_bp
from lianbing.markup import render_markdown
from lianbing.notify import jobs as notify_jobs
from lianbing.notify import services as notify
from lianbing.notify.cli import notify_cli
from lianbing.notify.views import bp as notify_bp
from lianbing.parts import ROLE_LABELS, registry
from lianbing.pool import ping_when_rested
from lianbing.rankings import jobs as rankings_jobs
from lianbing.rankings import locks
from lianbing.rankings.measures import register_bureau_measure
from lianbing.rankings.views import bp as rankings_bp
from lianbing.verified import KeptSessionInterface


def register_extensions(app: Flask) -> None:
    """Bind the extensions created in extensions.py."""
    db.init_app(app)
    _ping_pooled_connections(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    csrf.init_app(app)
    app.session_interface = KeptSessionInterface()
    bootstrap.init_app(app)
    cache.init_app(app, config=_cache_config(app))
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "warning"
    _chinese_form_messages()


def _ping_pooled_connections(app: Flask) -> None:
    """PostgreSQL connections pinged at checkout when they may have died (lianbing/pool.py)."""
    if app.config["DB_PRE_PING"] and app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgres"):
        with app.app_context():
            ping_when_rested(db.engine, app.config["DB_PING_IDLE_SECONDS"])


def _chinese_form_messages() -> None:
    """WTForms' built-in messages ("Not a valid choice") in Chinese, from its own zh catalogue.

    Flask-WTF would translate only through Flask-Babel, which we do not need otherwise, so every
    FlaskForm (host and parts) uses WTForms' catalogue directly, completed by
    ``lianbing.formtext`` where it lacks a message.
    """
    FlaskForm.Meta.locales = ("zh",)
    FlaskForm.Meta.get_translations = formtext.translations


def _cache_config(app: Flask) -> dict:
    """Redis when REDIS_URL is set (shared by every worker), else a per-process cache."""
    if app.config.get("REDIS_URL"):
        return {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": app.config["REDIS_URL"],
            "CACHE_KEY_PREFIX": app.config.get("REDIS_PREFIX", "lianbing:"),
        }
    return {"CACHE_TYPE": "SimpleCache"}


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """WAL journal and enforced foreign keys on SQLite."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint_inside_transaction(conn, name) -> None:
    """Open SQLite's transaction before a savepoint that would otherwise start one.

    pysqlite issues its implicit BEGIN only before INSERT/UPDATE/DELETE, so a savepoint taken
    before the request's first write starts SQLite's transaction itself, and releasing it
    commits for good: a refused request's rollback would then keep the row.
    """
    dbapi_connection = conn.connection.dbapi_connection
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        if not dbapi_connection.in_transaction:
            dbapi_connection.execute("BEGIN")


def configure_models() -> None:
    """Resolve every mapper's relationships now, once the parts' models are imported: left to
    the first query, it costs each gunicorn worker's first request some 30 ms."""
    configure_mappers()


def register_host_words(app: Flask) -> None:
    """The host's names for audit targets and ledger references, beside the parts' words."""
    words.register(app.extensions["lianbing"])


def register_blueprints(app: Flask) -> None:
    """The host's own blueprints."""
    for bp in (
        main_bp,
        accounts_bp,
        campaign_bp,
        ledger_bp,
        rankings_bp,
        audit_bp,
        api_bp,
        notify_bp,
        certificates_bp,
        jobs_bp,
    ):
        app.register_blueprint(bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(bulletins_bp)
    app.register_blueprint(evaluation_bp)
    app.register_blueprint(drills_bp)
    app.register_blueprint(column_bp)
    app.register_blueprint(report_bp)


def register_bureau_measures(app: Flask) -> None:
    """Per-bureau measures the host contributes to the collective ranking."""
    register_bureau_measure(
        app,
        "bulletin_timeliness",
        "简报按时报送率",
        1.0,
        bulletins.bulletin_timeliness,
        not_due_credit=1.0,  # none due yet counts as on time
    )
    register_bureau_measure(
        app, "self_evaluation", "总结自评得分率（市局评定）", 1.0, evaluation.evaluation_scores
    )


def register_evaluation_evidence(app: Flask) -> None:
    """The self-evaluation shows the report to the province's figures beside its items."""
    evaluation_evidence.set_source(app, report_evidence.evidence_figures)


def register_job_kinds(app: Flask) -> None:
    """The host's background jobs (parts register theirs in their ``register``)."""
    host_kinds = (rankings_jobs, accounts_jobs, bulletins_jobs, notify_jobs)
    for kind in (kind for module in host_kinds for kind in module.KINDS):
        register_job_kind(app, kind)


def register_signal_receivers(app: Flask) -> None:
    """The host's own subscriptions to lianbing/signals.py (parts subscribe in register)."""
    ledger.register_receivers()
    rankings.register_receivers()
    signals.campaign_copied.connect(evaluation.copy_items)


def register_commands(app: Flask) -> None:
    """Host CLI commands (parts bring their own groups on their blueprints)."""
    app.cli.add_command(cli.demo_command)
    app.cli.add_command(cli.create_admin_command)
    app.cli.add_command(cli.load_bureaus_command)
    app.cli.add_command(notify_cli)
    app.cli.add_command(jobs_cli)


def register_template_helpers(app: Flask) -> None:
    """Filters and globals every template may use."""
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["score"] = score_text
    app.jinja_env.filters["fit_label"] = charts.fit_label
    app.jinja_env.filters["localtime"] = lambda v, fmt="%Y-%m-%d %H:%M": (
        to_local(v).strftime(fmt) if v else ""
    )
    app.jinja_env.globals["ROLE_LABELS"] = ROLE_LABELS
    app.jinja_env.globals["activity"] = _activity
    app.jinja_env.globals["kind_label"] = activities.kind_label
    app.jinja_env.globals["citations"] = activities.citations
    app.jinja_env.globals["law_citations"] = activities.law_citations
    #: why a campaign's settings are read-only (closed, or past), None when they are not
    app.jinja_env.globals["settings_lock"] = locks.reason
    app.jinja_env.filters["reject_page"] = lambda args: {
        k: v for k, v in args.items() if k != "page"
    }

    @app.context_processor
    def navigation():
        role = current_user.role if current_user.is_authenticated else None
        return {"part_nav": registry().nav_for(role), "notify_unread": _unread}


def _activity(line) -> activities.Activity:
    """A ledger line (or anything with kind, ref and title) in words, for the viewer."""
    role = current_user.role if current_user.is_authenticated else None
    return activities.describe(line.kind, line.ref, line.title, role)


def _unread() -> int:
    """The bell's count, asked for by base.html only when someone is logged in."""
    return notify.unread_count(current_user.id) if current_user.is_authenticated else 0
