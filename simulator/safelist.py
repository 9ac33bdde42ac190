"""The practice's IP safelist: which client addresses may sign in.

An empty safelist restricts nothing. Entries are single IPv4 or IPv6 addresses
or CIDR ranges; a range with host bits set is refused rather than silently
widened, because the holder probably mistyped it (unless the options say to
save it as the network it lies in).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from .errors import InvalidSafelistEntry

__all__ = ["Network", "parse_safelist", "allows", "SafelistSettings"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _parse_entry(entry: str, normalise: bool) -> Network:
    text = entry.strip()
    if not text:
        raise InvalidSafelistEntry("An IP safelist entry is empty.")
    try:
        return ipaddress.ip_network(text, strict=True)
    except ValueError:
        try:
            loose = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise InvalidSafelistEntry(f"{text!r} is not an IP address or CIDR range.") from None
        if normalise:
            return loose
        raise InvalidSafelistEntry(f"{text!r} has host bits set; did you mean {loose}?") from None


def parse_safelist(entries: Iterable[str], *, normalise: bool = False) -> tuple[str, ...]:
    """Every entry in canonical form, or InvalidSafelistEntry naming the first bad one;
    with `normalise`, a range with host bits set becomes the network it lies in."""
    return tuple(str(_parse_entry(entry, normalise)) for entry in entries)


def allows(safelist: tuple[str, ...], address: str) -> bool:
    if not safelist:
        return True
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(client in ipaddress.ip_network(entry) for entry in safelist)


class SafelistSettings:
    """The IP Safelist on the Practice Security Settings page."""

    def safelist(self, token: str) -> tuple[str, ...]:
        _, practice = self._account_holder(token)  # type: ignore[attr-defined]
        return practice.safelist

    def set_safelist(self, token: str, entries: Iterable[str]) -> None:
        _, practice = self._account_holder(token)  # type: ignore[attr-defined]
        practice.safelist = parse_safelist(entries, normalise=self.options.safelist_normalises)  # type: ignore[attr-defined]
