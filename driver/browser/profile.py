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

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from mfa_conformance import profiles
from mfa_conformance.driver import Feature, errors
from mfa_conformance.requirements.positions import PositionsError, declare

from .casts import CastEntry, PersonaEntry, PracticeEntry, read_casts
from .flows import Flow, read_flows
from .locators import LOCATOR_KINDS, ConsoleField, LocatorSpec
from .profile_checks import ProfileError, check_keys, table, typed
from .screens import SCREENS, SECTIONS, Section, read_sections

__all__ = ["Profile", "ProfileError", "LocatorSpec", "ConsoleField", "Section", "SCREENS", "LOCATOR_KINDS",
           "PracticeEntry", "PersonaEntry", "DEFAULT_PROFILE", "PROFILES_DIR", "load_profile", "REFUSALS",
           "HOOK_CAPABILITIES"]

PROFILES_DIR = Path(profiles.__file__).resolve().parent
DEFAULT_PROFILE = PROFILES_DIR / "reference.toml"

REFUSALS = tuple(
    name for name in errors.__all__
    if name not in ("Refused", "DuplicateName") and isinstance(getattr(errors, name), type)
    and issubclass(getattr(errors, name), errors.Refused)
)
"""Every refusal a screen can show (seeding's DuplicateName never reaches a screen)."""
HOOK_CAPABILITIES = ("seeding", "state-seeding", "clock", "client-address", "support-console")
SYSTEM_KEYS = {"name": str, "capabilities": (str, list), "test_hooks": str, "timeout_ms": int,
               "code_latency": (int, float), "support_password_env": str, "reuse_browser_contexts": bool,
               "sign_in_guess_limit": int, "session_cookie": str, "sign_ins_per_minute": int,
               "rate_limit_wait": (int, float)}
TOP_LEVEL = {"extends", "system", "refusals", "practices", "personas", "pool", "positions", "flows", *SECTIONS}


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
    positions: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    """[positions]: the alternatives the product takes (features/positions.toml); the harness checks the values."""
    password_guess_limit: int = 10
    """Wrong passwords in a row after which the product refuses even the right one (the security check's
    N); `system.sign_in_guess_limit` in the file (a key naming a password would be scrubbed from evidence)."""
    session_cookie: str | None = None
    """The cookie holding the session's identifier; without it the identifier check is skipped."""
    flows: Mapping[str, Flow] = field(default_factory=lambda: MappingProxyType({}))
    """[flows]: documented actions given as sequences of steps (flows.py), in place of the built-in route."""
    lacks: Mapping[Feature, str] = field(default_factory=lambda: MappingProxyType({}))
    """What the how-to describes that the product lacks, each with the profile key set to false."""
    sign_ins_per_minute: int | None = None
    """The product's limit on sign-ins a minute from one address, which the driver keeps under."""
    rate_limit_wait: float = 180.0
    """Seconds one action may wait out "too many requests" answers before the run gives up on it."""

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
    return _merge(_read(parent_profile(path, parent), (*seen, path)), data)


def parent_profile(path: Path, parent: str) -> Path:
    """`extends = "reference"` names a shipped profile from any folder; a file name is
    relative to the profile that names it."""
    beside = (path.parent / parent).resolve()
    if beside.is_file():
        return beside
    shipped = PROFILES_DIR / (parent if parent.endswith(".toml") else f"{parent}.toml")
    if "/" not in parent and shipped.is_file():
        return shipped
    return beside


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

    flows = read_flows(at, data.get("flows", {}))
    sections, lacks = read_sections(at, data, system.get("support_password_env"), flows)

    refusals = table(f"{at}: [refusals]", data.get("refusals", {}))
    check_keys(f"{at}: [refusals]", refusals, set(REFUSALS))
    # false: the product shows no message of its own for it (over a profile this one extends)
    refusals = {name: text for name, text in refusals.items() if text is not False}
    for name, text in refusals.items():
        if not isinstance(text, str) or not text.strip():
            raise ProfileError(f"{at}: refusals.{name} must be non-empty text")
        try:
            re.compile(text)
        except re.error as error:
            raise ProfileError(f"{at}: refusals.{name} is not a valid regular expression ({error})") from None
        assert hasattr(errors, name)

    casts = read_casts(at, data)
    positions = table(f"{at}: [positions]", data.get("positions", {}))
    try:  # checked here, so a bad declaration is named before the base URL is even tried
        declare((f"{at}: [positions]", positions))
    except PositionsError as error:
        raise ProfileError(str(error)) from None

    timeout = system.get("timeout_ms", 5000)
    if timeout <= 0:
        raise ProfileError(f"{at}: system.timeout_ms must be positive")
    guess_limit = system.get("sign_in_guess_limit", 10)
    if guess_limit < 1:
        raise ProfileError(f"{at}: system.sign_in_guess_limit must be at least 1")
    per_minute = system.get("sign_ins_per_minute")
    if per_minute is not None and per_minute < 1:
        raise ProfileError(f"{at}: system.sign_ins_per_minute must be at least 1")
    if system.get("rate_limit_wait", 180) < 0:
        raise ProfileError(f"{at}: system.rate_limit_wait must not be negative")
    test_hooks = system.get("test_hooks", "/_test")
    if not test_hooks.startswith("/"):
        raise ProfileError(f"{at}: system.test_hooks must be a path starting with '/'")
    return Profile(
        path=path, name=system.get("name", path.stem), capabilities=capabilities, test_hooks=test_hooks,
        timeout_ms=timeout, code_latency=float(system.get("code_latency", 2.5)),
        support_password_env=system.get("support_password_env"),
        reuse_browser_contexts=system.get("reuse_browser_contexts", True),
        sections=MappingProxyType(sections), refusals=MappingProxyType(dict(refusals)),
        casts=casts, positions=MappingProxyType(dict(positions)), password_guess_limit=guess_limit,
        session_cookie=system.get("session_cookie"), flows=MappingProxyType(flows),
        lacks=MappingProxyType(lacks), sign_ins_per_minute=per_minute,
        rate_limit_wait=float(system.get("rate_limit_wait", 180)),
    )

