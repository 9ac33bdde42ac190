"""The vendor profile: a TOML file that maps each documented screen element to
a locator, names the test practice and accounts, and says which capabilities
the system offers.

A vendor whose product uses other labels edits the profile, not the code. A
profile is checked whole when it is loaded: an unknown key, a wrong type or a
missing element is one `ProfileError` line naming the file and the key, before
any scenario runs. `extends = "reference.toml"` starts from another profile and
overrides only what differs. See docs/browser.md.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from mfa_conformance import profiles
from mfa_conformance.driver import errors

from .casts import CastEntry, PersonaEntry, PracticeEntry, read_casts
from .profile_checks import ProfileError, check_keys, table, typed

__all__ = ["Profile", "ProfileError", "LocatorSpec", "Section", "PracticeEntry", "PersonaEntry",
           "DEFAULT_PROFILE", "PROFILES_DIR", "load_profile", "REFUSALS", "HOOK_CAPABILITIES"]

PROFILES_DIR = Path(profiles.__file__).resolve().parent
DEFAULT_PROFILE = PROFILES_DIR / "reference.toml"

LOCATOR = "locator"
TEXT = "text"
PATH = "path"

LOCATOR_KINDS = ("role", "label", "text", "placeholder", "alt", "title", "test_id", "css")
"""How an element is found; role (with its accessible name) and label are preferred."""

SCREENS: dict[str, dict[str, str]] = {
    "paths": {"start": PATH, "sign_in": PATH, "application": PATH, "support_console": PATH},
    "screens": {"sign_in": LOCATOR, "code_prompt": LOCATOR, "setup_required": LOCATOR, "application": LOCATOR,
                "message": LOCATOR},
    "sign_in": {"username": LOCATOR, "password": LOCATOR, "submit": LOCATOR},
    "code_prompt": {"code": LOCATOR, "submit": LOCATOR},
    "navigation": {"profile_menu": LOCATOR, "security": LOCATOR, "sign_out": LOCATOR, "menu": LOCATOR,
                   "admin": LOCATOR, "practice_security_settings": LOCATOR},
    "security": {"authenticator": LOCATOR},
    "mfa_configuration": {"suggested_apps": LOCATOR, "app_choice": LOCATOR, "other_app": LOCATOR,
                          "show_qr_code": LOCATOR, "qr_code": LOCATOR, "one_time_code": LOCATOR,
                          "device_name": LOCATOR, "save": LOCATOR, "status": LOCATOR, "enrolled_text": TEXT,
                          "device": LOCATOR, "manual_key": LOCATOR},
    "practice_security_settings": {"enforce": LOCATOR, "save_enforcement": LOCATOR, "safelist": LOCATOR,
                                   "save_safelist": LOCATOR, "user_settings": LOCATOR},
    "user_settings": {"search": LOCATOR, "search_submit": LOCATOR, "users": LOCATOR, "username_column": TEXT,
                      "status_column": TEXT, "device_column": TEXT, "role_column": TEXT, "enrolled_text": TEXT,
                      "account_holder_text": TEXT, "reset_mfa": LOCATOR},
    "support_console": {"password": LOCATOR, "open": LOCATOR, "search": LOCATOR, "search_submit": LOCATOR,
                        "users": LOCATOR, "username_column": TEXT, "reset_mfa": LOCATOR},
}
OPTIONAL_KEYS = {("support_console", "password"), ("support_console", "open"), ("mfa_configuration", "manual_key")}
"""Elements a system may lack: a support console without a password screen, a key only in the QR code."""

REFUSALS = tuple(
    name for name in errors.__all__
    if name not in ("Refused", "DuplicateName") and isinstance(getattr(errors, name), type)
    and issubclass(getattr(errors, name), errors.Refused)
)
"""Every refusal a screen can show (seeding's DuplicateName never reaches a screen)."""
HOOK_CAPABILITIES = ("seeding", "clock", "client-address", "support-console")
SYSTEM_KEYS = {"name": str, "capabilities": (str, list), "test_hooks": str, "timeout_ms": int,
               "code_latency": (int, float), "support_password_env": str, "reuse_browser_contexts": bool,
               "sign_in_guess_limit": int, "session_cookie": str}
TOP_LEVEL = {"extends", "system", "refusals", "practices", "personas", "pool", *SCREENS}


@dataclass(frozen=True)
class LocatorSpec:
    """How to find one element: `kind` is one of LOCATOR_KINDS, `value` its argument."""

    kind: str
    value: str
    name: str | None = None
    exact: bool = True

    def __str__(self) -> str:
        extra = f", name={self.name!r}" if self.name is not None else ""
        return f"{self.kind}={self.value!r}{extra}"


class Section(Mapping[str, Any]):
    """One table of the profile, by attribute: `profile.sign_in.username`."""

    def __init__(self, name: str, values: Mapping[str, Any]) -> None:
        self._name = name
        self._values = dict(values)

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(f"profile section [{self._name}] has no {key!r}") from None

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


@dataclass(frozen=True)
class Profile:
    path: Path
    name: str
    capabilities: tuple[str, ...] | None
    """None: ask the test hooks ("auto"); else exactly these."""
    test_hooks: str
    timeout_ms: int
    code_latency: float
    support_password_env: str | None
    reuse_browser_contexts: bool
    sections: Mapping[str, Section]
    refusals: Mapping[str, str]
    casts: tuple[CastEntry, ...] = ()
    """The pool: each a set of real practices with an account for every persona; one per parallel worker."""
    password_guess_limit: int = 10
    """Wrong passwords in a row after which the product refuses even the right one (the security check's
    N); `system.sign_in_guess_limit` in the file (a key naming a password would be scrubbed from evidence)."""
    session_cookie: str | None = None
    """The cookie holding the session's identifier; without it the identifier check is skipped."""

    @property
    def practices(self) -> Mapping[str, PracticeEntry]:
        return self.casts[0].practices if self.casts else MappingProxyType({})

    @property
    def personas(self) -> Mapping[str, PersonaEntry]:
        return self.casts[0].personas if self.casts else MappingProxyType({})

    def __getattr__(self, key: str) -> Section:
        if key.startswith("_") or key == "sections":
            raise AttributeError(key)
        try:
            return self.sections[key]
        except KeyError:
            raise AttributeError(key) from None


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and not _is_locator(value):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _is_locator(value: object) -> bool:
    return isinstance(value, dict) and any(kind in value for kind in LOCATOR_KINDS)


def _read(path: Path, seen: tuple[Path, ...] = ()) -> dict:
    if path in seen:
        raise ProfileError(f"profile {path}: 'extends' loops back to itself")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"profile {path}: no such file") from None
    except OSError as error:
        raise ProfileError(f"profile {path}: {error.strerror or error}") from None
    except UnicodeDecodeError as error:  # TOML is UTF-8; a file saved in another encoding
        line = error.object[:error.start].count(b"\n") + 1
        raise ProfileError(f"profile {path}: not UTF-8 text (byte 0x{error.object[error.start]:02x} on line {line}); "
                           f"save it as UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"profile {path}: not valid TOML ({error})") from None
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str) or not parent:
        raise ProfileError(f"profile {path}: 'extends' must be a file name or the name of a shipped profile")
    return _merge(_read(_parent_profile(path, parent), (*seen, path)), data)


def _parent_profile(path: Path, parent: str) -> Path:
    """`extends = "reference"` names a shipped profile from any folder; a file name is
    relative to the profile that names it."""
    beside = (path.parent / parent).resolve()
    if beside.is_file():
        return beside
    shipped = PROFILES_DIR / (parent if parent.endswith(".toml") else f"{parent}.toml")
    if "/" not in parent and shipped.is_file():
        return shipped
    return beside


def _locator(where: str, value: object) -> LocatorSpec:
    if not isinstance(value, dict):
        raise ProfileError(f"{where} must be a locator table such as {{ role = \"button\", name = \"Save\" }}")
    kinds = [k for k in LOCATOR_KINDS if k in value]
    unknown = sorted(set(value) - set(LOCATOR_KINDS) - {"name", "exact"})
    if unknown:
        raise ProfileError(f"{where} has unknown key(s) {', '.join(unknown)} (a locator takes one of "
                           f"{', '.join(LOCATOR_KINDS)}, with 'name' for a role, and 'exact')")
    if len(kinds) != 1:
        raise ProfileError(f"{where} must give exactly one of {', '.join(LOCATOR_KINDS)}")
    kind = kinds[0]
    if not isinstance(value[kind], str) or not value[kind]:
        raise ProfileError(f"{where}.{kind} must be non-empty text")
    if "name" in value and (kind != "role" or not isinstance(value["name"], str)):
        raise ProfileError(f"{where}.name is the accessible name of a role locator, as text")
    if not isinstance(value.get("exact", True), bool):
        raise ProfileError(f"{where}.exact must be true or false")
    return LocatorSpec(kind=kind, value=value[kind], name=value.get("name"), exact=value.get("exact", True))


def load_profile(path: Path) -> Profile:
    """The profile at `path`, validated whole; ProfileError names the first problem."""
    path = Path(path).resolve()
    data = _read(path)
    at = f"profile {path}"
    check_keys(at, data, TOP_LEVEL)

    system = table(f"{at}: [system]", data.get("system", {}))
    check_keys(f"{at}: [system]", system, SYSTEM_KEYS)
    for key, kind in SYSTEM_KEYS.items():
        if key in system:
            typed(f"{at}: system.{key}", system[key], kind)
    capabilities = system.get("capabilities", "auto")
    if isinstance(capabilities, str):
        if capabilities != "auto":
            raise ProfileError(f"{at}: system.capabilities must be \"auto\" or a list of {', '.join(HOOK_CAPABILITIES)}")
        capabilities = None
    else:
        bad = [c for c in capabilities if c not in HOOK_CAPABILITIES]
        if bad:
            raise ProfileError(f"{at}: system.capabilities: unknown capability {bad[0]!r} "
                               f"(known: {', '.join(HOOK_CAPABILITIES)})")
        capabilities = tuple(capabilities)

    sections: dict[str, Section] = {}
    for section, schema in SCREENS.items():
        where = f"{at}: [{section}]"
        entries = table(where, data.get(section, {}))
        check_keys(where, entries, schema)
        values: dict[str, Any] = {}
        for key, kind in schema.items():
            if key not in entries:
                if (section, key) in OPTIONAL_KEYS:
                    continue
                raise ProfileError(f"{where} lacks {key!r}")
            item = f"{at}: {section}.{key}"
            if kind == LOCATOR:
                values[key] = _locator(item, entries[key])
            else:
                values[key] = typed(item, entries[key], str)
                if kind == PATH and not values[key].startswith("/"):
                    raise ProfileError(f"{item} must be a path starting with '/'")
        sections[section] = Section(section, values)

    refusals = table(f"{at}: [refusals]", data.get("refusals", {}))
    check_keys(f"{at}: [refusals]", refusals, set(REFUSALS))
    missing = [name for name in REFUSALS if name not in refusals]
    if missing:
        raise ProfileError(f"{at}: [refusals] lacks {missing[0]!r}: the text by which its message is recognised")
    for name, text in refusals.items():
        if not isinstance(text, str) or not text.strip():
            raise ProfileError(f"{at}: refusals.{name} must be non-empty text")
        try:
            re.compile(text)
        except re.error as error:
            raise ProfileError(f"{at}: refusals.{name} is not a valid regular expression ({error})") from None
        assert hasattr(errors, name)

    casts = read_casts(at, data)

    timeout = system.get("timeout_ms", 5000)
    if timeout <= 0:
        raise ProfileError(f"{at}: system.timeout_ms must be positive")
    guess_limit = system.get("sign_in_guess_limit", 10)
    if guess_limit < 1:
        raise ProfileError(f"{at}: system.sign_in_guess_limit must be at least 1")
    test_hooks = system.get("test_hooks", "/_test")
    if not test_hooks.startswith("/"):
        raise ProfileError(f"{at}: system.test_hooks must be a path starting with '/'")
    return Profile(
        path=path, name=system.get("name", path.stem), capabilities=capabilities, test_hooks=test_hooks,
        timeout_ms=timeout, code_latency=float(system.get("code_latency", 2.5)),
        support_password_env=system.get("support_password_env"),
        reuse_browser_contexts=system.get("reuse_browser_contexts", True),
        sections=MappingProxyType(sections), refusals=MappingProxyType(dict(refusals)),
        casts=casts, password_guess_limit=guess_limit, session_cookie=system.get("session_cookie"),
    )

