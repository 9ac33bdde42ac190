"""TOTP as every authenticator app accepts it: RFC 6238, SHA-1, 6 digits, 30 s.

pyotp computes the codes; this module adds what a server owes on top of it:
a bounded drift window, refusal of replays (RFC 6238 section 5.2: remember the
last accepted time step, accept only later ones) and the Key URI for the QR code.
"""

from __future__ import annotations

import hmac
import pyotp

__all__ = [
    "DIGITS",
    "PERIOD",
    "DRIFT_STEPS",
    "SECRET_BITS",
    "new_secret",
    "provisioning_uri",
    "time_step",
    "code_at",
    "matching_step",
]

DIGITS = 6
PERIOD = 30
DRIFT_STEPS = 1
SECRET_BITS = 160


def new_secret() -> str:
    """A 160-bit base32 secret from the OS CSPRNG (RFC 4226 section 4 recommends 160)."""
    return pyotp.random_base32(length=SECRET_BITS // 5)


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD)


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """The `otpauth://totp/...` Key URI, with every parameter spelled out.

    pyotp leaves out parameters equal to the defaults; some apps mis-handle a
    missing one, so they are written explicitly.
    """
    uri = _totp(secret).provisioning_uri(name=account, issuer_name=issuer)
    return f"{uri}&algorithm=SHA1&digits={DIGITS}&period={PERIOD}"


def time_step(unix_time: float) -> int:
    return int(unix_time // PERIOD)


def code_at(secret: str, step: int) -> str:
    return _totp(secret).generate_otp(step)


def matching_step(secret: str, code: str, *, unix_time: float, after_step: int | None = None) -> int | None:
    """The time step whose code equals `code`, within one step of `unix_time`,
    and strictly later than `after_step` (the last step this secret was used for).

    Returns None when no step matches; never raises for a malformed code.
    """
    if not (isinstance(code, str) and len(code) == DIGITS and code.isascii() and code.isdigit()):
        return None
    now = time_step(unix_time)
    first = max(0, now - DRIFT_STEPS)
    if after_step is not None:
        first = max(first, after_step + 1)
    found = None
    for step in range(first, now + DRIFT_STEPS + 1):
        # Compare every candidate so timing does not reveal which step matched.
        if hmac.compare_digest(code_at(secret, step), code) and found is None:
            found = step
    return found
