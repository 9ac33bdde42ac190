"""`mfa-conformance serve` over a broken simulator, for the project's tests:

    python -m tests.browser.serve_variant no_lockout serve --port 0 --db state.sqlite3

The web app builds its simulator from `mfa_conformance.webapp.store.Simulator`;
this swaps in the named variant of tests/mutants.py before serving. A name of
WRAPPERS instead puts the app behind something a deployment adds in front of it:
`rate_limited`, a limit on sign-ins (tests/browser/rate_limited_app.py);
`post_log`, one line on stderr per form posted (`serve_variant: POST /path`), so a
test reads from the server's log what the harness changed; `lock_shown_next`, the
reference's other allowed wording of the lockout (the wrong code that locks is
answered as wrong, the lock shown from the next attempt); `reset_server_error`, every
Reset MFA form answered with a bare 500 page and nothing reset, as a deployment whose
database is locked answers (a stock Django admin on SQLite did). Names join with `+`
(`device_name_optional+post_log`): at most one simulator variant, any wrappers.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Iterable

from mfa_conformance import cli
from mfa_conformance.webapp import app as webapp_app
from mfa_conformance.webapp import store

from ..mutants import VARIANTS
from . import rate_limited_app

POSTED = "serve_variant: POST "
"""The start of the line `post_log` writes for each form posted, before its path."""


def _in_front(middleware: Callable[[Callable, dict, Callable], Iterable[bytes]]) -> None:
    """Put `middleware(app, environ, start_response)` in front of every app the web app creates."""
    original = webapp_app.create_app

    def create_app(config):
        app = original(config)
        inner = app.wsgi_app
        app.wsgi_app = lambda environ, start_response: middleware(inner, environ, start_response)  # type: ignore[method-assign]
        return app

    webapp_app.create_app = create_app  # type: ignore[assignment]


def _logged(app: Callable, environ: dict, start_response: Callable) -> Iterable[bytes]:
    if environ.get("REQUEST_METHOD") == "POST":
        print(f"{POSTED}{environ.get('PATH_INFO', '')}", file=sys.stderr, flush=True)
    return app(environ, start_response)


SERVER_ERROR_PAGE = b"<!doctype html><html lang=en><title>Server Error (500)</title><h1>Server Error (500)</h1></html>"


def _reset_breaks(app: Callable, environ: dict, start_response: Callable) -> Iterable[bytes]:
    if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO", "").endswith("/reset-mfa"):
        start_response("500 Internal Server Error", [("Content-Type", "text/html; charset=utf-8")])
        return [SERVER_ERROR_PAGE]
    return app(environ, start_response)


def _lock_shown_next() -> None:
    base = store.Simulator

    class LockShownNext(base):  # type: ignore[valid-type, misc]
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.options = dataclasses.replace(self.options, lock_shown_next=True)

    store.Simulator = LockShownNext  # type: ignore[misc]


WRAPPERS: dict[str, Callable[[], None]] = {"rate_limited": rate_limited_app.install,
                                           "post_log": lambda: _in_front(_logged),
                                           "lock_shown_next": _lock_shown_next,
                                           "reset_server_error": lambda: _in_front(_reset_breaks)}


def main(argv: list[str]) -> int:
    names, rest = argv[0].split("+"), argv[1:]
    unknown = [name for name in names if name not in VARIANTS and name not in WRAPPERS]
    if unknown or sum(name in VARIANTS for name in names) > 1:
        print(f"serve_variant: no variant {argv[0]!r}", file=sys.stderr)
        return 2
    for name in names:
        if name in WRAPPERS:
            WRAPPERS[name]()
        else:
            store.Simulator = VARIANTS[name].simulator  # type: ignore[misc]
    return cli.main(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
