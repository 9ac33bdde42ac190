"""What every view works with during one request: the server's configuration,
one unit of work on the stored simulator, the labels, the message page.

Views and the application factory both import this module; it imports neither,
so the package has no import cycle.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app, render_template, request

from mfa_conformance.simulator import Simulator
from mfa_conformance.simulator import errors as refusals

from .labels import Labels
from .store import Store

__all__ = ["ServerConfig", "Extension", "extension", "domain", "labels", "message_page", "client_address",
           "clock_lane", "REFUSAL_STATUS", "REFUSAL_NAMES", "CLOCK_HEADER", "ADDRESS_HEADER"]

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
class Extension:
    config: ServerConfig
    store: Store


def extension() -> Extension:
    return current_app.extensions["mfa"]


def labels() -> Labels:
    return extension().config.labels


def client_address() -> str:
    if extension().config.test_hooks and request.headers.get(ADDRESS_HEADER):
        return request.headers[ADDRESS_HEADER].strip()
    return request.remote_addr or "127.0.0.1"


def clock_lane() -> str:
    return request.headers.get(CLOCK_HEADER, "") if extension().config.test_hooks else ""


@contextmanager
def domain() -> Iterator[Simulator]:
    """One unit of work on the stored simulator: saved if the block ends normally."""
    with extension().store.unit_of_work(clock_lane()) as sim:
        yield sim


def message_page(text: str, status: int, *, heading: str | None = None) -> tuple[str, int]:
    labels = extension().config.labels
    return render_template("message.html", message=text, heading=heading or labels.message_heading), status


