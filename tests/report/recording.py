"""The broken simulator, recording every secret it hands out, for the secrets test.

Each password it is given for a new user, and each TOTP secret and Key URI it
shows on an MFA Configuration page, is appended to the private file named by
MFA_REPORT_SECRETS_FILE (mode 0600, in the test's temporary folder), so the
test can look for them in every report file and in the run's output. Select
it with `--sut tests.report.recording:factory`.
"""

from __future__ import annotations

import os

from mfa_conformance.people.authenticator import QrCodeReader
from mfa_conformance.simulator.enrollment import EnrollmentScreen

from .broken import BrokenSimulator, BrokenSystem

__all__ = ["SECRETS_FILE_VARIABLE", "RecordingSimulator", "factory", "read_handled"]

SECRETS_FILE_VARIABLE = "MFA_REPORT_SECRETS_FILE"


def _record(kind: str, value: str) -> None:
    fd = os.open(os.environ[SECRETS_FILE_VARIABLE], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{kind}\t{value}\n".encode())
    finally:
        os.close(fd)


class RecordingSimulator(BrokenSimulator):
    def create_user(self, practice: str, username: str, password: str, *, account_holder: bool = False) -> None:
        _record("password", password)
        super().create_user(practice, username, password, account_holder=account_holder)

    def begin_enrollment(self, token: str) -> EnrollmentScreen:
        screen = super().begin_enrollment(token)
        _record("secret", screen.manual_key)
        _record("key URI", QrCodeReader.read(screen.qr_png))
        return screen


def factory() -> BrokenSystem:
    return BrokenSystem(RecordingSimulator)


def read_handled(path: str | os.PathLike[str]) -> dict[str, set[str]]:
    """kind -> values, from the file the run wrote."""
    handled: dict[str, set[str]] = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            kind, _, value = line.rstrip("\n").partition("\t")
            handled.setdefault(kind, set()).add(value)
    return handled
