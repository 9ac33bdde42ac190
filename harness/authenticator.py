"""A persona's authenticator app: it learns a key only by scanning a QR image.

The harness never reads a secret from the system under test: it decodes the
QR code the system displays, as a phone camera would, and computes codes with
pyotp on the system's clock. A key, once scanned, never leaves this object
(its repr and every error message leave the secret out).
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlparse

import pyotp
import zxingcpp
from PIL import Image

from mfa_conformance.driver import Capability, SystemUnderTest

__all__ = ["AuthenticatorApp", "KeyUri", "UnreadableQrCode", "QrCodeReader", "phone_for", "real_sleep_until"]


class UnreadableQrCode(Exception):
    """The displayed QR code does not decode to a TOTP Key URI."""


@dataclass(frozen=True, repr=False)
class KeyUri:
    """A decoded `otpauth://totp/` Key URI (Google's Key Uri Format)."""

    issuer: str | None
    account: str
    algorithm: str
    digits: int
    period: int
    secret_bits: int
    _secret: str

    def __repr__(self) -> str:
        return (f"KeyUri(issuer={self.issuer!r}, account={self.account!r}, algorithm={self.algorithm}, "
                f"digits={self.digits}, period={self.period}, secret_bits={self.secret_bits})")

    @classmethod
    def parse(cls, text: str) -> KeyUri:
        url = urlparse(text)
        if url.scheme != "otpauth" or url.netloc != "totp":
            raise UnreadableQrCode("the QR code does not hold an otpauth://totp/ Key URI")
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        secret = query.get("secret", "").upper().rstrip("=")
        try:
            pyotp.TOTP(secret).byte_secret()
        except Exception:
            raise UnreadableQrCode("the QR code's Key URI has no valid base32 secret") from None
        label = unquote(url.path.lstrip("/"))
        label_issuer, _, account = label.rpartition(":")
        try:
            digits = int(query.get("digits", "6"))
            period = int(query.get("period", "30"))
        except ValueError:
            raise UnreadableQrCode("the QR code's Key URI has non-numeric digits or period") from None
        return cls(
            issuer=query.get("issuer") or label_issuer or None,
            account=account.strip(),
            algorithm=query.get("algorithm", "SHA1").upper(),
            digits=digits,
            period=period,
            secret_bits=len(secret) * 5,
            _secret=secret,
        )


class QrCodeReader:
    """Decodes the QR code in an image, however large the page around it."""

    @staticmethod
    def read(png: bytes) -> str:
        try:
            image = Image.open(io.BytesIO(png))
            image.load()
        except Exception:
            raise UnreadableQrCode("the QR code image is not a readable picture") from None
        codes = [c for c in zxingcpp.read_barcodes(image) if c.format == zxingcpp.BarcodeFormat.QRCode]
        if not codes:
            raise UnreadableQrCode("no QR code found in the picture")
        return codes[0].text


class AuthenticatorApp:
    """One phone with one authenticator app holding at most one key per account."""

    def __init__(self, now: Callable[[], float], wait_until: Callable[[float], None], latency: float = 2.0) -> None:
        self._now = now
        self._wait_until = wait_until
        self._latency = latency
        self._keys: dict[str, KeyUri] = {}
        self._shown: dict[str, int] = {}
        self.last_scanned: KeyUri | None = None

    def __repr__(self) -> str:
        return f"AuthenticatorApp(accounts={sorted(self._keys)!r})"

    def scan(self, qr_png: bytes) -> KeyUri:
        key = KeyUri.parse(QrCodeReader.read(qr_png))
        self._keys[key.account] = key
        self._shown.pop(key.account, None)
        self.last_scanned = key
        return key

    @property
    def accounts(self) -> list[str]:
        return sorted(self._keys)

    def key(self, account: str | None = None) -> KeyUri:
        return self._keys[self._account(account)]

    def delete(self, account: str | None = None) -> None:
        """Remove an account's entry from the app (the phone only)."""
        self._keys.pop(self._account(account))

    def current_code(self, account: str | None = None) -> str:
        """The code the app shows now, waiting first for a fresh time step if this
        one was already shown or ends before the system could check it."""
        name = self._account(account)
        key = self._keys[name]
        now = self._now()
        step = int(now // key.period)
        if self._shown.get(name) == step or (step + 1) * key.period - now < self._latency:
            self._wait_until((step + 1) * key.period + 0.001)
            now = self._now()
            step = int(now // key.period)
        self._shown[name] = step
        return self._code(key, step)

    def code_at_offset(self, steps: int, account: str | None = None) -> str:
        """The code the app would show `steps` time steps from now (negative: in the past)."""
        key = self._keys[self._account(account)]
        now = self._now()
        if (int(now // key.period) + 1) * key.period - now < self._latency:
            self._wait_until((int(now // key.period) + 1) * key.period + 0.001)
            now = self._now()
        return self._code(key, int(now // key.period) + steps)

    @staticmethod
    def _code(key: KeyUri, step: int) -> str:
        digest = {"SHA256": hashlib.sha256, "SHA512": hashlib.sha512}.get(key.algorithm, hashlib.sha1)
        return pyotp.TOTP(key._secret, digits=key.digits, interval=key.period, digest=digest).generate_otp(step)

    def _account(self, account: str | None) -> str:
        if account is not None:
            if account not in self._keys:
                raise LookupError(f"the authenticator app holds no entry for {account!r}")
            return account
        if len(self._keys) != 1:
            raise LookupError(f"the authenticator app holds {len(self._keys)} entries; say which")
        return next(iter(self._keys))


def real_sleep_until(when: float) -> None:
    time.sleep(max(0.0, when - time.time()))


def phone_for(system: SystemUnderTest) -> AuthenticatorApp:
    """A phone on the system's clock: waiting for a fresh time step moves the
    system's clock when it can be moved, and takes real time otherwise."""

    def wait_until(when: float) -> None:
        if Capability.CLOCK in system.capabilities:
            system.advance(max(0.0, when - system.now()))
        else:
            real_sleep_until(when)

    return AuthenticatorApp(now=system.now, wait_until=wait_until, latency=system.code_latency)
