"""The application factory: settings, extensions, and every area's pages, jobs and hooks."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

import config as app_config
from catalogue import wiring as catalogue_wiring

from . import caching, cli, errors, mail, models, ops, web  # noqa: F401  (models: every table registered before migrations look)
from .admin import views as admin_views
from .auth import views as account_views
from .asking import views as asking_views
from .billing import invoicing  # noqa: F401  (listens for confirmed deliveries)
from .billing import views as billing_views
from .billing import webhooks as billing_webhooks
from .crisis import views as crisis_views
from .estimate import views as estimate_views
from .extensions import csrf, db, limiter, login_manager, migrate
from .help import views as help_views
from .holders import views as holder_views
from .lifeevents import views as lifeevent_views
from .home import views as home_views
from .jobs import views as job_views
from .jobs.cli import jobs_cli
from .needs import views as need_views
from .notifications import views as notification_views
from .openreferral import cli as openreferral_cli
from .openreferral import views as openreferral_views
from .orders import sharing_views
from .orders import views as order_views
from .plans import views as plan_views
from .providers import views as provider_views
from .ratings import views as rating_views
from .reports import views as report_views
from .spending import views as spending_views
from .statements import views as statement_views
from .statements.cli import statements_cli
from .underspend import views as underspend_views

ROOT = Path(__file__).resolve().parent.parent
BLUEPRINTS = (home_views.bp, account_views.bp, provider_views.bp, holder_views.bp, admin_views.bp, plan_views.bp,
              order_views.bp, notification_views.bp, billing_views.bp, billing_webhooks.bp, spending_views.bp)


def create_app(test_config: dict | None = None, env: str | None = None) -> Flask:
    env = env or ("testing" if test_config and test_config.get("TESTING") else None)
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(app_config.INSTANCE_DIR),
        instance_relative_config=False,
    )
    app.config.from_object(app_config.config_for(env))
    if test_config:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config.get("PROXY_FIX"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)

    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(ROOT / "templates")),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = app_config.engine_options(app.config["SQLALCHEMY_DATABASE_URI"], app.config)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    if not app.config["RATELIMIT_STORAGE_URI"].startswith("memory"):
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {**app_config.redis_options(app.config), **app.config.get("RATELIMIT_STORAGE_OPTIONS", {})}
    limiter.init_app(app)
    caching.init_app(app, app_config.redis_options(app.config))
    login_manager.init_app(app)
    WTFormsHelpers(app)

    errors.init_app(app)
    web.init_app(app)
    ops.init_app(app)  # /healthz, /readyz, request ids, JSON logs
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.register_blueprint(statement_views.bp)
    cli.init_app(app)
    app.cli.add_command(statements_cli)
    underspend_views.init_app(app)
    rating_views.init_app(app)
    sharing_views.init_app(app)
    need_views.init_app(app)
    lifeevent_views.init_app(app)
    crisis_views.init_app(app)
    report_views.init_app(app)
    help_views.init_app(app)
    estimate_views.init_app(app)
    asking_views.init_app(app)
    openreferral_views.init_app(app)
    mail.init_app(app)
    catalogue_wiring.init_app(app)
    openreferral_cli.init_app(app)
    job_views.init_app(app)  # jobs on a queue: progress pages, and `flask jobs ...`
    app.cli.add_command(jobs_cli)
    return app
