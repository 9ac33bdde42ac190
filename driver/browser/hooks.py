"""The test-hook protocol: seeding and clock over JSON, beside the screens.

The reference web app offers it under `/_test` when served with
`--test-hooks`; a vendor's staging build may offer the same protocol to gain
the capabilities it carries (docs/browser.md). The description at the hook
root names the hooks and the headers by which a browser context picks its
clock lane and client address.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from mfa_conformance.driver import errors

__all__ = ["TestHooks", "HookDescription", "probe"]

TIMEOUT = 10.0


@dataclass(frozen=True)
class HookDescription:
    hooks: tuple[str, ...]
    clock_header: str
    address_header: str


def _request(url: str, data: dict | None = None, headers: dict[str, str] | None = None) -> tuple[int, object]:
    import urllib.error  # urllib.request loads ssl: not for a run that never opens a browser
    import urllib.request

    body = None if data is None else json.dumps(data).encode()
    request = urllib.request.Request(url, data=body, method="GET" if data is None else "POST",
                                     headers={"Content-Type": "application/json", "Accept": "application/json",
                                              **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        try:
            payload = json.loads(error.read() or b"null")
        except ValueError:
            payload = None
        return error.code, payload
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise errors.SystemUnreachable(f"{url}: {reason}") from None


def probe(base_url: str, path: str) -> HookDescription | None:
    """The hooks the system offers, or None when it has none (404)."""
    status, payload = _request(base_url.rstrip("/") + path)
    if status != 200 or not isinstance(payload, dict) or not isinstance(payload.get("hooks"), list):
        return None
    return HookDescription(hooks=tuple(str(h) for h in payload["hooks"]),
                           clock_header=str(payload.get("clock_header", "X-MFA-Test-Clock")),
                           address_header=str(payload.get("address_header", "X-MFA-Test-Client-Address")))


class TestHooks:
    """Seeding and the clock of one lane."""

    __test__ = False  # not a pytest test class

    def __init__(self, base_url: str, path: str, description: HookDescription) -> None:
        self.root = base_url.rstrip("/") + path
        self.description = description
        self.lane = ""

    def _call(self, sub: str, data: dict | None = None) -> dict:
        status, payload = _request(f"{self.root}{sub}", data, {self.description.clock_header: self.lane})
        if 200 <= status < 300 and isinstance(payload, dict):
            return payload
        refusal = payload.get("refused") if isinstance(payload, dict) else None
        message = payload.get("message", "") if isinstance(payload, dict) else ""
        cls = getattr(errors, str(refusal), None)
        if isinstance(cls, type) and issubclass(cls, errors.Refused):
            raise cls(message)
        raise errors.SystemUnreachable(f"test hook {sub or '/'} answered {status}: {message or payload!r}")

    def create_practice(self, name: str, mfa_available: bool) -> None:
        self._call("/practices", {"name": name, "mfa_available": mfa_available})

    def create_user(self, practice: str, username: str, password: str, account_holder: bool) -> None:
        self._call("/users", {"practice": practice, "username": username, "password": password,
                              "account_holder": account_holder})

    def seed_device(self, username: str, device_name: str) -> str:
        return str(self._call("/devices", {"username": username, "device_name": device_name})["key_uri"])

    def seed_practice_settings(self, practice: str, enforced: bool | None, safelist: list[str] | None) -> None:
        data: dict[str, object] = {"practice": practice}
        if enforced is not None:
            data["enforced"] = enforced
        if safelist is not None:
            data["safelist"] = safelist
        self._call("/practice-settings", data)

    def now(self) -> float:
        return float(self._call("/clock")["now"])

    def set_time(self, unix: float) -> None:
        self._call("/clock", {"set": unix})

    def advance(self, seconds: float) -> None:
        self._call("/clock", {"advance": seconds})
