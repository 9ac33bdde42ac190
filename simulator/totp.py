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

    Written out rather than by pyotp, which leaves out parameters equal to the
    defaults (some apps mis-handle a missing one) and heads the label with the
    issuer whatever it holds. The label is `issuer:account`, which a reader
    splits at its first colon (Google's Key Uri Format), so an issuer with a
    colon of its own cannot head it: the label is then the account alone, or
    an empty prefix and the account if the account holds a colon too; the
    `issuer` parameter always names the issuer exactly.
    """
    if ":" not in issuer:
        label = f"{_escaped(issuer)}:{_escaped(account)}"
    else:
        label = _escaped(account) if ":" not in account else f":{_escaped(account)}"
    return (f"otpauth://totp/{label}?secret={secret}&issuer={_escaped(issuer)}"
            f"&algorithm=SHA1&digits={DIGITS}&period={PERIOD}")


_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def _escaped(text: str) -> str:
    """RFC 3986 percent-encoding of all but the unreserved characters, over UTF-8
    (written out here: the simulator imports nothing from urllib)."""
    return "".join(c if c in _UNRESERVED else "".join(f"%{b:02X}" for b in c.encode()) for c in text)


def time_step(unix_time: float) -> int:
    return int(unix_time // PERIOD)


def code_at(secret: str, step: int) -> str:
    return _totp(secret).generate_otp(step)


def matching_step(secret: str, code: str, *, unix_time: float, after_step: int | None = None,
                  drift: int | None = None) -> int | None:
    """The time step whose code equals `code`, within `drift` steps (DRIFT_STEPS
    unless given) of `unix_time`, and strictly later than `after_step` (the last
    step this secret was used for).

    Returns None when no step matches; never raises for a malformed code.
    """
    if not (isinstance(code, str) and len(code) == DIGITS and code.isascii() and code.isdigit()):
        return None
    drift = DRIFT_STEPS if drift is None else drift
    now = time_step(unix_time)
    first = max(0, now - drift)
    if after_step is not None:
        first = max(first, after_step + 1)
    found = None
    for step in range(first, now + drift + 1):
        # Compare every candidate so timing does not reveal which step matched.
        if hmac.compare_digest(code_at(secret, step), code) and found is None:
            found = step
    return found
