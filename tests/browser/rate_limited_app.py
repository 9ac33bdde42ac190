"""The reference web app behind a rate limit on sign-ins, as real products have one:

    python -m tests.browser.serve_variant rate_limited serve --port 0 --db state.sqlite3

A WSGI middleware in front of the app answers `429 Too Many Requests` (with a
`Retry-After`) to a sign-in POST beyond `LIMIT` admitted in the last `WINDOW`
seconds from the same client address; only admitted sign-ins count, so a client
that waits as told gets in again. Each 429 is one line on stderr (the server's
log, tests/browser/served.py), starting with `MARK`, so a test counts them.
The numbers can be changed through the environment (RATE_LIMIT_SIGN_INS,
RATE_LIMIT_WINDOW, RATE_LIMIT_RETRY_AFTER) for a test that needs others.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable

from flask import Flask

from mfa_conformance.webapp import app as webapp_app

__all__ = ["LIMIT", "WINDOW", "RETRY_AFTER", "MARK", "SignInRateLimit", "install"]

LIMIT = 6
WINDOW = 20.0
RETRY_AFTER = 2
MARK = "rate_limited_app: 429"
SIGN_IN_PATH = "/sign-in"
PAGE = (b"<!doctype html><html lang=en><head><title>Too many requests</title></head>"
        b"<body><h1>Too many requests</h1><p>Too many sign-in attempts. Try again in a moment.</p></body></html>")


class SignInRateLimit:
    """WSGI middleware: at most `limit` sign-in POSTs per client address in any `window` seconds."""

    def __init__(self, app: Callable, *, limit: int = LIMIT, window: float = WINDOW, retry_after: int = RETRY_AFTER,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.limit = limit
        self.window = window
        self.retry_after = retry_after
        self.clock = clock
        self._admitted: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()
        self.refused = 0

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO") == SIGN_IN_PATH:
            client = environ.get("REMOTE_ADDR", "?")
            if not self._admit(client):
                print(f"{MARK} Too Many Requests to POST {SIGN_IN_PATH} from {client} "
                      f"({self.limit} sign-ins in the last {self.window:.0f} s)", file=sys.stderr, flush=True)
                start_response("429 Too Many Requests", [("Content-Type", "text/html; charset=utf-8"),
                                                         ("Retry-After", str(self.retry_after)),
                                                         ("Content-Length", str(len(PAGE)))])
                return [PAGE]
        return self.app(environ, start_response)

    def _admit(self, client: str) -> bool:
        with self._lock:
            now = self.clock()
            admitted = self._admitted[client]
            while admitted and now - admitted[0] >= self.window:
                admitted.popleft()
            if len(admitted) >= self.limit:
                self.refused += 1
                return False
            admitted.append(now)
            return True


def install() -> None:
    """Wrap every app `mfa-conformance serve` creates in the rate limit."""
    original = webapp_app.create_app
    limit = int(os.environ.get("RATE_LIMIT_SIGN_INS", LIMIT))
    window = float(os.environ.get("RATE_LIMIT_WINDOW", WINDOW))
    retry_after = int(os.environ.get("RATE_LIMIT_RETRY_AFTER", RETRY_AFTER))

    def create_app(config) -> Flask:
        app = original(config)
        app.wsgi_app = SignInRateLimit(app.wsgi_app, limit=limit, window=window,  # type: ignore[method-assign]
                                       retry_after=retry_after)
        return app

    webapp_app.create_app = create_app  # type: ignore[assignment]
