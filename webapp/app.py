"""The Flask application: a thin adapter from HTTP to the reference simulator.

Views read the form, run ONE domain action inside a unit of work, and render
or redirect. Every named refusal of the simulator becomes a message page with
a 4xx status and the refusal's own one-line message; nothing the domain
refuses is a 500, and no page ever shows a stack trace.

A Host header that is no host name at all (a label over 63 characters, a
space, a byte outside ASCII) is answered 400 before Flask builds anything from
it; werkzeug's own refusal of such a host came too late for its error page,
which then failed as a 500.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Callable, Iterable

from flask import Flask, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from mfa_conformance.simulator import Options
from mfa_conformance.simulator import errors as refusals

from . import security, sessions
from .context import REFUSAL_STATUS, Extension, ServerConfig, extension, message_page, request_too_large
from .session_times import Lifetimes
from .store import Store
from .views import admin, enrollment, signing_in, support, test_hooks

__all__ = ["ServerConfig", "create_app"]

_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
_HOST = re.compile(rf"(?:\[(?P<ipv6>[0-9A-Fa-f:.]{{2,45}})\]|(?P<name>{_LABEL}(?:\.{_LABEL})*\.?))"
                   r"(?::(?P<port>[0-9]{1,5}))?")
BAD_HOST_PAGE = ("<!doctype html><html lang=en><head><meta charset=utf-8><title>Bad request</title></head><body>"
                 "<h1>Bad request</h1><p role=alert>The Host header is not a host name.</p></body></html>").encode()


def _valid_host(host: str) -> bool:
    """A Host header a client may send: a DNS name (labels of 1 to 63 letters, digits, `-` or `_`,
    253 characters in all), an IPv4 address or a bracketed IPv6 address, and an optional port."""
    found = _HOST.fullmatch(host)
    if found is None or (found["port"] is not None and int(found["port"]) > 65535):
        return False
    if found["ipv6"] is not None:
        try:
            ipaddress.IPv6Address(found["ipv6"])
        except ValueError:
            return False
        return True
    return len(found["name"].removesuffix(".")) <= 253


def _checking_host(inner: Callable) -> Callable:
    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        host = environ.get("HTTP_HOST")
        if host is not None and host != "" and not _valid_host(host):
            start_response("400 Bad Request", [
                ("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BAD_HOST_PAGE))),
                ("Content-Security-Policy", security.CONTENT_SECURITY_POLICY), ("X-Content-Type-Options", "nosniff"),
                ("Cache-Control", "no-store")])
            return [BAD_HOST_PAGE]
        return inner(environ, start_response)

    return application


def _refused(error: refusals.MfaError) -> tuple[str, int]:
    name = type(error).__name__
    return message_page(extension().config.labels.message(name, str(error)), REFUSAL_STATUS.get(type(error), 400))


def _http_error(error: HTTPException) -> tuple[str, int]:
    labels = extension().config.labels
    text = labels.not_found if error.code == 404 else (error.description or labels.server_error)
    return message_page(text, error.code or 400)


def _too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    return message_page(request_too_large(), 413)


def _unexpected(error: Exception) -> tuple[str, int]:
    logging.getLogger("webapp").exception("unexpected error on %s %s", request.method, request.path)
    return message_page(extension().config.labels.server_error, 500)


def create_app(config: ServerConfig) -> Flask:
    app = Flask(__name__)
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600  # the stylesheet is cached; pages are not (no-store)
    app.config["MAX_CONTENT_LENGTH"] = config.max_request_bytes
    app.wsgi_app = _checking_host(app.wsgi_app)  # type: ignore[method-assign]
    lifetimes = Lifetimes(idle=config.session_idle_seconds, absolute=config.session_absolute_seconds)
    options = Options(safelist_like_wrong_password=config.safelist_answer == "like-wrong-password")
    store = Store(config.db_path, clock=config.wall_clock, lifetimes=lifetimes, options=options)
    app.extensions["mfa"] = Extension(config=config, store=store)
    app.jinja_env.globals["L"] = config.labels
    app.jinja_env.autoescape = True
    security.install(app)
    sessions.install(app)
    app.register_error_handler(refusals.MfaError, _refused)
    app.register_error_handler(security.CsrfRefused, lambda e: message_page(config.labels.form_expired, 403))
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
    for blueprint in (signing_in.blueprint, enrollment.blueprint, admin.blueprint):
        app.register_blueprint(blueprint)
    if config.test_hooks or config.support_password:
        app.register_blueprint(support.blueprint)
    if config.test_hooks:
        app.register_blueprint(test_hooks.blueprint)
    return app
