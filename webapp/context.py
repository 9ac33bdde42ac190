"""What every view works with during one request: the server's configuration,
one unit of work on the stored simulator, the labels, the message page.

Views and the application factory both import this module; it imports neither,
so the package has no import cycle.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app, render_template, request

from mfa_conformance.simulator import Simulator
from mfa_conformance.simulator import errors as refusals

from .labels import Labels
from .store import Store

__all__ = ["ServerConfig", "Extension", "extension", "domain", "labels", "message_page", "client_address",
           "clock_lane", "loopback_client", "own_host", "hooks_honoured", "request_too_large", "size_text",
           "REFUSAL_STATUS", "REFUSAL_NAMES", "CLOCK_HEADER", "ADDRESS_HEADER", "PROXY_HEADERS", "LOOPBACK_NAMES",
           "SAFELIST_ANSWERS"]

SAFELIST_ANSWERS = ("named", "like-wrong-password")
"""How a right password from outside the safelist is answered: named, or as a wrong password. The
alternatives of the declared position safelist_refusal (features/positions.toml): a browser run against
a server started with one declares it in its profile's [positions]."""

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
    """How one server runs. The limits are the threat model's (docs/browser.md,
    "Threat model and limits"); each runs on `wall_clock`, the server's own time,
    never on a test clock lane, so no test hook can lift a lock or end a session."""

    db_path: Path
    test_hooks: bool = False
    labels: Labels = field(default_factory=Labels)
    secure_cookies: bool = True
    support_password: str | None = None
    """Opens the support console to whoever knows it; with test hooks and no
    password the console is open to loopback clients only."""
    password_guess_limit: int = 10
    """Consecutive wrong passwords for one username before its password sign-in locks."""
    password_lockout_seconds: float = 15 * 60
    session_idle_seconds: float = 30 * 60
    """A session unused this long has ended."""
    session_absolute_seconds: float = 12 * 60 * 60
    """A session this old (from the last step of signing in) has ended, used or not."""
    support_guess_limit: int = 5
    """Consecutive wrong support passwords before the console's sign-in locks, for everyone."""
    support_lockout_seconds: float = 15 * 60
    support_session_seconds: float = 30 * 60
    """How long an opened support console stays open."""
    max_request_bytes: int = 256 * 1024
    """The largest request body the app reads; a larger one is answered 413, naming this limit."""
    safelist_max_entries: int = 1000
    """The most entries an IP safelist may hold; every sign-in to the practice checks them all."""
    safelist_max_characters: int = 64 * 1024
    """The longest IP safelist text (the field as sent) the app looks at."""
    safelist_answer: str = "named"
    """One of SAFELIST_ANSWERS."""
    listening: tuple[tuple[str, int], ...] = ()
    """The addresses and ports the server listens on (set by `serve`): besides the loopback
    names, the test hooks answer only a Host header naming one of them. Empty in process:
    the loopback names, with any port."""
    wall_clock: Callable[[], float] = time.time

    def __post_init__(self) -> None:
        for name in ("password_guess_limit", "support_guess_limit", "max_request_bytes", "safelist_max_entries",
                     "safelist_max_characters"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        for name in ("password_lockout_seconds", "session_idle_seconds", "session_absolute_seconds",
                     "support_lockout_seconds", "support_session_seconds"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be more than 0")
        if self.safelist_answer not in SAFELIST_ANSWERS:
            raise ValueError(f"safelist_answer must be one of {', '.join(SAFELIST_ANSWERS)}")

    def __repr__(self) -> str:  # the support password stays out of logs
        return f"ServerConfig(db_path={str(self.db_path)!r}, test_hooks={self.test_hooks})"


@dataclass
class Extension:
    config: ServerConfig
    store: Store


def extension() -> Extension:
    return current_app.extensions["mfa"]


def labels() -> Labels:
    return extension().config.labels


PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port",
                 "X-Forwarded-By", "X-Forwarded-Server", "X-Real-IP", "X-Client-IP", "True-Client-IP", "Via")
"""A request carrying one of these came through a proxy, from somewhere else. `serve` tells
waitress to leave them in place (it would otherwise strip the untrusted ones before the app
sees them, and the proxied request would look local)."""

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})
"""Host header names the test hooks answer wherever the server listens."""


def loopback_client() -> bool:
    """The request came from this machine, directly: its TCP peer is a loopback
    address and it did not pass through a proxy (a proxy on this machine would
    make every client on the internet look local)."""
    try:
        peer = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    mapped = getattr(peer, "ipv4_mapped", None)
    local = peer.is_loopback or (mapped is not None and mapped.is_loopback)
    return local and not any(name in request.headers for name in PROXY_HEADERS)


def _host_name(address: str) -> str:
    return f"[{address}]" if ":" in address else address.lower()


def own_host() -> bool:
    """The Host header names this server: a loopback name, or an address it listens on, with its
    port. A page of another site that re-points its name at 127.0.0.1 (DNS rebinding) sends
    its own name, so it reaches nothing this check guards."""
    host = request.headers.get("Host", "").strip().lower()
    name, colon, port = host.rpartition(":") if not host.endswith("]") else (host, "", "")
    if not colon:
        name, port = host, "80"
    name = name.removesuffix(".")
    listening = extension().config.listening
    if not listening:
        return name in LOOPBACK_NAMES
    names = LOOPBACK_NAMES | {_host_name(address) for address, _ in listening}
    return name in names and port in {str(p) for _, p in listening}


def hooks_honoured() -> bool:
    """Test hooks (and their headers) count only with --test-hooks, for a loopback client
    that names this server in its Host header."""
    return extension().config.test_hooks and loopback_client() and own_host()


def client_address() -> str:
    if request.headers.get(ADDRESS_HEADER) and hooks_honoured():
        return request.headers[ADDRESS_HEADER].strip()
    return request.remote_addr or "127.0.0.1"


def clock_lane() -> str:
    return request.headers.get(CLOCK_HEADER, "") if hooks_honoured() else ""


@contextmanager
def domain() -> Iterator[Simulator]:
    """One unit of work on the stored simulator: saved if the block ends normally."""
    with extension().store.unit_of_work(clock_lane()) as sim:
        yield sim


def size_text(limit: int) -> str:
    return f"{limit // 1024} KiB ({limit} bytes)" if limit % 1024 == 0 else f"{limit} bytes"


def request_too_large() -> str:
    """The one-line answer to a body over the limit, naming the limit."""
    return labels().request_too_large.replace("{limit}", size_text(extension().config.max_request_bytes))


def message_page(text: str, status: int, *, heading: str | None = None) -> tuple[str, int]:
    labels = extension().config.labels
    return render_template("message.html", message=text, heading=heading or labels.message_heading), status


