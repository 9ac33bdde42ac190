"""The Flask application: a thin adapter from HTTP to the reference simulator.

Views read the form, run ONE domain action inside a unit of work, and render
or redirect. Every named refusal of the simulator becomes a message page with
a 4xx status and the refusal's own one-line message; nothing the domain
refuses is a 500, and no page ever shows a stack trace.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from simulator import Simulator
from simulator import errors as refusals

from . import security
from .labels import Labels
from .store import Store

__all__ = ["ServerConfig", "create_app", "domain", "labels", "message_page", "REFUSAL_STATUS", "CLOCK_HEADER", "ADDRESS_HEADER"]

CLOCK_HEADER = "X-MFA-Test-Clock"
"""With test hooks, names the clock lane a request runs on (one per scenario)."""
ADDRESS_HEADER = "X-MFA-Test-Client-Address"
"""With test hooks, the client address the sign-in is checked against."""

REFUSAL_STATUS: dict[type[refusals.MfaError], int] = {
    refusals.WrongCredentials: 403,
    refusals.AddressNotAllowed: 403,
    refusals.MfaLocked: 423,
    refusals.CodeRejected: 422,
    refusals.CodeRequired: 403,
    refusals.SetupRequired: 403,
    refusals.SessionEnded: 401,
    refusals.MfaNotAvailable: 403,
    refusals.AlreadyEnrolled: 409,
    refusals.NoEnrollmentInProgress: 409,
    refusals.DeviceNameRequired: 422,
    refusals.NotAccountHolder: 403,
    refusals.UnknownUser: 404,
    refusals.SelfResetRefused: 403,
    refusals.InvalidSafelistEntry: 422,
    refusals.DuplicateName: 409,
}
REFUSAL_NAMES = frozenset(cls.__name__ for cls in REFUSAL_STATUS)


@dataclass(frozen=True)
class ServerConfig:
    db_path: Path
    test_hooks: bool = False
    labels: Labels = field(default_factory=Labels)
    secure_cookies: bool = True
    support_password: str | None = None
    """Opens the support console to whoever knows it; with test hooks the console needs none."""

    def __repr__(self) -> str:  # the support password stays out of logs
        return f"ServerConfig(db_path={str(self.db_path)!r}, test_hooks={self.test_hooks})"


@dataclass
class _Extension:
    config: ServerConfig
    store: Store


def _ext() -> _Extension:
    return current_app.extensions["mfa"]


def labels() -> Labels:
    return _ext().config.labels


def client_address() -> str:
    if _ext().config.test_hooks and request.headers.get(ADDRESS_HEADER):
        return request.headers[ADDRESS_HEADER].strip()
    return request.remote_addr or "127.0.0.1"


def clock_lane() -> str:
    return request.headers.get(CLOCK_HEADER, "") if _ext().config.test_hooks else ""


@contextmanager
def domain() -> Iterator[Simulator]:
    """One unit of work on the stored simulator: saved if the block ends normally."""
    with _ext().store.unit_of_work(clock_lane()) as sim:
        yield sim


def message_page(text: str, status: int, *, heading: str | None = None) -> tuple[str, int]:
    labels = _ext().config.labels
    return render_template("message.html", message=text, heading=heading or labels.message_heading), status


def _refused(error: refusals.MfaError) -> tuple[str, int]:
    name = type(error).__name__
    return message_page(_ext().config.labels.message(name, str(error)), REFUSAL_STATUS.get(type(error), 400))


def _http_error(error: HTTPException) -> tuple[str, int]:
    labels = _ext().config.labels
    text = labels.not_found if error.code == 404 else (error.description or labels.server_error)
    return message_page(text, error.code or 400)


def _unexpected(error: Exception) -> tuple[str, int]:
    logging.getLogger("webapp").exception("unexpected error on %s %s", request.method, request.path)
    return message_page(_ext().config.labels.server_error, 500)


def create_app(config: ServerConfig) -> Flask:
    from .views import admin, enrollment, signing_in, support, test_hooks

    app = Flask(__name__)
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600  # the stylesheet is cached; pages are not (no-store)
    app.extensions["mfa"] = _Extension(config=config, store=Store(config.db_path))
    app.jinja_env.globals["L"] = config.labels
    app.jinja_env.autoescape = True
    security.install(app)
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
