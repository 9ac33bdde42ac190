"""Evidence of a failing scenario, with the secrets taken out.

A Playwright trace records what was typed, the pages as they were (the MFA
Configuration page shows the QR code and the key for manual entry), network
bodies and cookies. Playwright offers no masking, so the trace is scrubbed
after it is written: every password the driver typed, anything shaped like a
TOTP key or Key URI, every image, and cookie values are replaced. The
screenshot masks the QR code and the key. What the scrub cannot know (a
vendor's own secrets on its pages) is why evidence stays in the report folder
of the machine that ran the check.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote, quote_plus

__all__ = ["scrub_text", "scrub_trace", "REDACTED"]

REDACTED = "[redacted]"
BASE32_KEY = re.compile(r"(?<![A-Za-z0-9])(?:[A-Z2-7]{4}[ -]?){4,}[A-Z2-7]*=*(?![A-Za-z0-9])")
"""A base32 key of 80 bits or more, in one run or in groups of four."""
KEY_URI = re.compile(r"otpauth(?::|%3A)(?://|%2F%2F)[^\s\"'<>\\]*", re.IGNORECASE)
DATA_IMAGE = re.compile(r"data:image/[A-Za-z0-9.+-]+;base64,[A-Za-z0-9+/=\\]+")
COOKIE_VALUE = re.compile(r'("name"\s*:\s*"(?:cookie|set-cookie)"\s*,\s*"value"\s*:\s*)"(?:[^"\\]|\\.)*"',
                          re.IGNORECASE)
IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"RIFF")


def _forms(secret: str) -> set[str]:
    """A typed secret as it may appear: raw, URL-encoded (form bodies), JSON-escaped."""
    return {form for form in (secret, quote_plus(secret), quote(secret, safe=""), json.dumps(secret)[1:-1]) if form}


def scrub_text(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in sorted({f for s in secrets if s for f in _forms(s)}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    text = KEY_URI.sub(REDACTED, text)
    text = DATA_IMAGE.sub("data:image/png;base64,", text)
    text = COOKIE_VALUE.sub(lambda m: f'{m.group(1)}"{REDACTED}"', text)
    return BASE32_KEY.sub(REDACTED, text)


def scrub_trace(path: Path, secrets: Iterable[str] = ()) -> None:
    """Rewrite a trace zip in place with every text member scrubbed and every image emptied."""
    secrets = list(secrets)
    scrubbed = path.with_suffix(".scrubbing")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(scrubbed, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if data.startswith(IMAGE_MAGIC):
                data = b""
            else:
                try:
                    data = scrub_text(data.decode("utf-8"), secrets).encode("utf-8")
                except UnicodeDecodeError:
                    pass
            target.writestr(member, data)
    scrubbed.replace(path)
