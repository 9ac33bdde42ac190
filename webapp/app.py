"""The Flask application: a thin adapter from HTTP to the reference simulator.

Views read the form, run ONE domain action inside a unit of work, and render
or redirect. Every named refusal of the simulator becomes a message page with
a 4xx status and the refusal's own one-line message; nothing the domain
refuses is a 500, and no page ever shows a stack trace.
"""

from __future__ import annotations

import logging

from flask import Flask, request
from werkzeug.exceptions import HTTPException

from mfa_conformance.simulator import errors as refusals

from . import security, sessions
from .context import REFUSAL_STATUS, Extension, ServerConfig, extension, message_page
from .session_times import Lifetimes
from .store import Store
from .views import admin, enrollment, signing_in, support, test_hooks

__all__ = ["ServerConfig", "create_app"]


def _refused(error: refusals.MfaError) -> tuple[str, int]:
    name = type(error).__name__
    return message_page(extension().config.labels.message(name, str(error)), REFUSAL_STATUS.get(type(error), 400))


def _http_error(error: HTTPException) -> tuple[str, int]:
    labels = extension().config.labels
    text = labels.not_found if error.code == 404 else (error.description or labels.server_error)
    return message_page(text, error.code or 400)


def _unexpected(error: Exception) -> tuple[str, int]:
    logging.getLogger("webapp").exception("unexpected error on %s %s", request.method, request.path)
    return message_page(extension().config.labels.server_error, 500)


def create_app(config: ServerConfig) -> Flask:
    app = Flask(__name__)
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600  # the stylesheet is cached; pages are not (no-store)
    lifetimes = Lifetimes(idle=config.session_idle_seconds, absolute=config.session_absolute_seconds)
    store = Store(config.db_path, clock=config.wall_clock, lifetimes=lifetimes)
    app.extensions["mfa"] = Extension(config=config, store=store)
    app.jinja_env.globals["L"] = config.labels
    app.jinja_env.autoescape = True
    security.install(app)
    sessions.install(app)
    app.register_error_handler(refusals.MfaError, _refused)
    app.register_error_handler(security.CsrfRefused, lambda e: message_page(config.labels.form_expired, 403))
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
    for blueprint in (signing_in.blueprint, enrollment.blueprint, admin.blueprint):
        app.register_blueprint(blueprint)
    if config.test_hooks or config.support_password:
        app.register_blueprint(support.blueprint)
    if config.test_hooks:
        app.register_blueprint(test_hooks.blueprint)
    return app
