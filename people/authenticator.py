"""A persona's authenticator app: it learns a key by scanning a QR image.

The harness reads a secret from the system only as a phone would: it decodes
the QR code the system displays, as a camera would (state seeding hands over a
seeded device's Key URI, the QR code's text, instead), and computes codes with
pyotp on the system's clock. A key, once scanned, never leaves this object
(its repr and every error message leave the secret out).
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, unquote_plus, urlsplit

import pyotp
import zxingcpp
from PIL import Image

from mfa_conformance.driver import Capability, SystemUnderTest

__all__ = ["AuthenticatorApp", "KeyUri", "NoKeyOnPhone", "UnreadableQrCode", "QrCodeReader", "phone_for", "real_sleep_until"]


class UnreadableQrCode(Exception):
    """The displayed QR code does not decode to a TOTP Key URI a phone can use.

    Its message names the part at fault and never carries the secret or the URI.
    """


ALGORITHMS = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}
"""The HMAC hashes Google's Key Uri Format allows, spelled as it spells them."""

DIGITS = ("6", "8")
"""The code lengths the format allows; anything else is refused, not guessed at."""


@dataclass(frozen=True, repr=False)
class KeyUri:
    """A decoded `otpauth://totp/` Key URI (Google's Key Uri Format).

    `parse` keeps what the phone reads and refuses what it could only mis-read;
    the fields after `secret_bits` record how the URI was spelled, so a check
    of what every app accepts (SGN-02) can judge it without seeing the secret.
    """

    issuer: str | None
    """The `issuer` parameter, else the label's issuer prefix."""
    account: str
    algorithm: str
    digits: int
    period: int
    secret_bits: int
    label_issuer: str | None
    """The label's issuer prefix: what comes before its first colon (`:` or `%3A`)."""
    secret_padded: bool
    secret_lowercase: bool
    repeated: tuple[str, ...]
    """Parameters given more than once; the phone reads the first of each."""
    _secret: str

    def __repr__(self) -> str:
        return (f"KeyUri(issuer={self.issuer!r}, account={self.account!r}, algorithm={self.algorithm}, "
                f"digits={self.digits}, period={self.period}, secret_bits={self.secret_bits}, "
                f"label_issuer={self.label_issuer!r}, repeated={self.repeated!r})")

    def appears_in(self, text: str) -> bool:
        """Whether the secret shows in `text` (a page, an address) in any spelling a
        product may give it: either letter case, in groups split by spaces, dashes or
        markup, padded, percent- or entity-encoded. Only the answer leaves this object."""
        for form in (text, _TAGS.sub("", text)):
            for decoded in (form, html.unescape(form), unquote_plus(unquote_plus(form))):
                if self._secret in _SEPARATORS.sub("", decoded).upper():
                    return True
        return False

    @classmethod
    def parse(cls, text: str) -> KeyUri:
        """Reads `text` as a phone would, and refuses what the format does not allow
        (no base32 secret, an algorithm other than SHA1/SHA256/SHA512, digits other
        than 6 or 8, a period that is not a positive integer) rather than compute
        codes the product never meant. The label splits at its first colon."""
        try:
            url = urlsplit(text)
        except ValueError:
            url = None
        if url is None or url.scheme != "otpauth" or url.netloc != "totp":
            raise UnreadableQrCode("the QR code does not hold an otpauth://totp/ Key URI")
        try:
            pairs = parse_qsl(url.query, keep_blank_values=True, errors="strict")
            label = unquote(url.path[1:], errors="strict")
        except UnicodeDecodeError:
            raise UnreadableQrCode("the QR code's Key URI is not UTF-8 text") from None
        query: dict[str, str] = {}
        for name, value in pairs:
            query.setdefault(name, value)
        names = [name for name, _ in pairs]
        spelled = query.get("secret", "")
        secret, key_bytes = _base32(spelled)
        algorithm = query.get("algorithm", "SHA1")
        if algorithm not in ALGORITHMS:
            raise UnreadableQrCode(f"the QR code's Key URI has algorithm {_shown(algorithm)}; "
                                   "the format allows SHA1, SHA256 or SHA512")
        digits = query.get("digits", "6")
        if digits not in DIGITS:
            raise UnreadableQrCode(f"the QR code's Key URI has digits {_shown(digits)}; the format allows 6 or 8")
        period = _seconds(query.get("period", "30"))
        prefix, colon, rest = label.partition(":")
        label_issuer = prefix if colon and prefix else None
        return cls(
            issuer=query.get("issuer") or label_issuer,
            # The format allows spaces between the issuer prefix and the account, nowhere else.
            account=rest.lstrip(" ") if colon else label,
            algorithm=algorithm,
            digits=int(digits),
            period=period,
            secret_bits=len(key_bytes) * 8,
            label_issuer=label_issuer,
            secret_padded=spelled.endswith("="),
            secret_lowercase=spelled != spelled.upper(),
            repeated=tuple(sorted({name for name in names if names.count(name) > 1})),
            _secret=secret,
        )


_TAGS = re.compile(r"<[^>]*>")
_SEPARATORS = re.compile(r"[\s\-=\u00a0\u200b]+")


def _base32(spelled: str) -> tuple[str, bytes]:
    """The secret as the phone keeps it (upper case, unpadded) and its bytes.

    Lower case and padding are read, as most apps read them; whether every app
    would is SGN-02's question, not the phone's.
    """
    secret = spelled.rstrip("=").upper()
    if not secret:
        raise UnreadableQrCode("the QR code's Key URI has no secret")
    try:
        return secret, base64.b32decode(secret + "=" * (-len(secret) % 8))
    except ValueError:
        raise UnreadableQrCode("the QR code's Key URI has a secret that is not base32") from None


def _seconds(period: str) -> int:
    """The period as the format allows it: a positive integer, in ASCII digits only."""
    try:
        seconds = int(period) if period.isascii() and period.isdigit() else 0
    except ValueError:  # more digits than Python converts
        seconds = 0
    if seconds <= 0:
        raise UnreadableQrCode(f"the QR code's Key URI has period {_shown(period)}; "
                               "the format needs a positive whole number of seconds")
    return seconds


def _shown(value: str) -> str:
    """A parameter's value for an error message, cut short: it came from the product."""
    return repr(value if len(value) <= 16 else value[:16] + "...")


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

    def add(self, key_uri: str) -> KeyUri:
        """A key handed over with its device by state seeding (Capability.STATE_SEEDING), read as
        the QR code's text would be."""
        key = KeyUri.parse(key_uri)
        self._keys[key.account] = key
        self._shown.pop(key.account, None)
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
        used = self._shown.get(name)
        if used is not None and used >= step:  # this step's code (or a later one) was already shown
            self._wait_until((used + 1) * key.period + 0.001)
        elif (step + 1) * key.period - now < self._latency:
            self._wait_until((step + 1) * key.period + 0.001)
        step = int(self._now() // key.period)
        self._shown[name] = step
        return self._code(key, step)

    def note_accepted(self, code: str, account: str | None = None, *, reach: int = 3) -> None:
        """A code of this app the system accepted, whichever way it was read off (an earlier or later
        step's, for the drift checks): the system now refuses that step and every earlier one, so the
        app shows none of them again."""
        name = self._account(account)
        key = self._keys[name]
        now = int(self._now() // key.period)
        steps = [step for step in range(now - reach, now + reach + 1) if self._code(key, step) == code]
        if steps:
            self._shown[name] = max(self._shown.get(name, steps[-1]), steps[-1])

    def last_shown_step(self, account: str | None = None) -> int | None:
        """The time step of the last code the app showed for the account, if any."""
        return self._shown.get(self._account(account)) if self._keys else None

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
        digest = ALGORITHMS[key.algorithm]
        return pyotp.TOTP(key._secret, digits=key.digits, interval=key.period, digest=digest).generate_otp(step)

    def _account(self, account: str | None) -> str:
        if account is not None:
            if account not in self._keys:
                raise LookupError(f"the authenticator app holds no entry for {account!r}")
            return account
        if not self._keys:
            raise NoKeyOnPhone("a code was asked for, but the phone holds no key of this product (no device was set "
                               "up with it, or the product was told to reset it since)")
        if len(self._keys) != 1:
            raise LookupError(f"the authenticator app holds {len(self._keys)} entries; a step must say which")
        return next(iter(self._keys))


class NoKeyOnPhone(AssertionError):
    """The product wants a code from a phone that holds none of its keys: it treats the person as
    enrolled where no setup the harness saw (or a reset since) says so."""


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
