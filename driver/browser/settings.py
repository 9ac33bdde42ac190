"""Where the browser driver points: base URL, profile, browser, and the checks
that must pass before any scenario runs (profile valid, base URL answering,
personas named when the system cannot seed them)."""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from mfa_conformance.driver import Capability

from .hooks import HookDescription, probe
from .profile import DEFAULT_PROFILE, HOOK_CAPABILITIES, Profile, ProfileError, load_profile

__all__ = ["default_chromium", "CHROMIUM_CANDIDATES", "BrowserSettings", "Prepared", "prepare", "SetupError", "DEFAULT_CHROMIUM", "missing_personas"]

CHROMIUM_CANDIDATES = (Path("/usr/bin/chromium-headless-shell"), Path("/usr/bin/chromium"))
"""Debian's Chromium builds, best first: the headless shell (package chromium-headless-shell)
needs about a third less CPU per scenario than the full browser in headless mode."""


def default_chromium() -> Path:
    return next((p for p in CHROMIUM_CANDIDATES if p.is_file()), CHROMIUM_CANDIDATES[-1])


DEFAULT_CHROMIUM = CHROMIUM_CANDIDATES[-1]
HOOKED = {Capability.SEEDING, Capability.STATE_SEEDING, Capability.CLOCK, Capability.CLIENT_ADDRESS}
"""Capabilities that only the test-hook protocol provides."""


OPTION_FIELDS = frozenset({"base_url", "profile", "ws_endpoint", "chromium"})
"""The settings a command line gives (`--base-url`, `--profile`, `--browser-ws-endpoint`, `--browser-executable`)."""


class SetupError(Exception):
    """The browser run cannot start; one line saying why and what to do."""


@dataclass(frozen=True)
class BrowserSettings:
    base_url: str | None = None
    profile: Path = DEFAULT_PROFILE
    ws_endpoint: str | None = None
    chromium: Path = field(default_factory=default_chromium)
    trace: bool = True
    chromium_args: tuple[str, ...] = ()
    """Extra command-line switches for a launched Chromium (MFA_CHROMIUM_ARGS), after the driver's own."""
    check_profile: bool = True
    """Check at start that the sign-in page fits the profile (the xdist controller does it for its workers)."""
    cast: int = 0
    """Which cast of the profile's pool this worker plays with (its xdist worker number)."""
    workers: int = 1
    """How many workers share the product (and its rate limits) in this run."""
    evidence_dir: Path = field(default_factory=lambda: Path("reports"))
    """The report folder: evidence goes to <evidence_dir>/evidence/<scenario>/."""

    @classmethod
    def from_options(cls, options: Mapping[str, str | None]) -> BrowserSettings:
        """Command-line options (`base_url`, `profile`, `ws_endpoint`, `chromium`) over the user's MFA_* variables."""
        unknown = sorted(set(options) - OPTION_FIELDS)
        if unknown:
            raise SetupError(f"no browser option {', '.join(unknown)} (there are: {', '.join(sorted(OPTION_FIELDS))})")
        base = cls.from_environment()
        given = {name: value for name, value in options.items() if value is not None}
        return replace(base, **{name: Path(value) if name in ("profile", "chromium") else value
                                for name, value in given.items()})

    @classmethod
    def from_environment(cls) -> BrowserSettings:
        return cls(base_url=os.environ.get("MFA_BASE_URL") or None,
                   profile=Path(os.environ.get("MFA_PROFILE") or DEFAULT_PROFILE),
                   ws_endpoint=os.environ.get("MFA_BROWSER_WS_ENDPOINT") or None,
                   chromium=Path(os.environ["MFA_CHROMIUM"]) if os.environ.get("MFA_CHROMIUM") else default_chromium(),
                   trace=os.environ.get("MFA_BROWSER_TRACE", "on") != "off",
                   chromium_args=tuple(shlex.split(os.environ.get("MFA_CHROMIUM_ARGS", ""))))


@dataclass(frozen=True)
class Prepared:
    settings: BrowserSettings
    base_url: str
    profile: Profile
    hooks: HookDescription | None
    capabilities: frozenset[Capability]


def _answers(url: str) -> str | None:
    """None when the URL answers with any HTTP status; else why not."""
    import urllib.error  # urllib.request loads ssl: not for a run that never opens a browser
    import urllib.request

    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="GET"), timeout=5):
            return None
    except urllib.error.HTTPError:
        return None
    except (urllib.error.URLError, OSError, ValueError) as error:
        return str(getattr(error, "reason", error))


def prepare(settings: BrowserSettings) -> Prepared:
    """Everything checked before the browser starts; SetupError otherwise."""
    if not settings.base_url:
        raise SetupError("--sut browser needs --base-url URL (or MFA_BASE_URL): the address of the system to check")
    base_url = settings.base_url.rstrip("/")
    if not base_url.startswith(("http://", "https://")):
        raise SetupError(f"--base-url {settings.base_url!r}: expected an http:// or https:// URL")
    try:
        profile = load_profile(settings.profile)
    except ProfileError as error:
        raise SetupError(str(error)) from None
    why = _answers(base_url + profile.paths.sign_in)
    if why is not None:
        raise SetupError(f"--base-url {base_url} does not answer ({why}); start the system or correct the URL")
    hooks = probe(base_url, profile.test_hooks)
    if profile.capabilities is None:
        offered = set(hooks.hooks) & set(HOOK_CAPABILITIES) if hooks else set()
        if any(f.env for f in profile.support_console.fields):  # the console signs in with what they name
            offered.add(Capability.SUPPORT_CONSOLE.value)
    else:
        offered = set(profile.capabilities)
        needs_hooks = sorted(c for c in offered if Capability(c) in HOOKED)
        if needs_hooks and hooks is None:
            raise SetupError(f"profile {profile.path}: system.capabilities names {', '.join(needs_hooks)}, but "
                             f"{base_url}{profile.test_hooks} offers no test hooks")
    capabilities = frozenset(Capability(c) for c in offered)
    for entry in profile.support_console.fields:
        if entry.env and not os.environ.get(entry.env):
            raise SetupError(f"profile {profile.path}: {entry.source} names {entry.env}, which is not set")
    for cast in profile.casts:
        for name, persona in cast.personas.items():
            if persona.resolve_password() is None:
                raise SetupError(f"profile {profile.path}: personas.{name}.password_env names "
                                 f"{persona.password_env}, which is not set")
    if Capability.SEEDING not in capabilities and settings.cast >= len(profile.casts):  # seeded runs use none
        raise SetupError(f"profile {profile.path} names {len(profile.casts)} cast(s) in its pool, too few for "
                         f"worker {settings.cast + 1}: add [[pool]] entries or run fewer workers (-n)")
    if settings.ws_endpoint is None and not (settings.chromium.is_file() and os.access(settings.chromium, os.X_OK)):
        found = shutil.which("chromium-headless-shell") or shutil.which("chromium")
        hint = (f" (there is one at {found}: --browser-executable {found})" if found
                else " (apt-get install -y chromium-headless-shell, or chromium)")
        raise SetupError(f"no Chromium at {settings.chromium}{hint}")
    return Prepared(settings=settings, base_url=base_url, profile=profile, hooks=hooks, capabilities=capabilities)


def missing_personas(prepared: Prepared, needed: Mapping[str, set[str]]) -> list[str]:
    """Personas the scenarios need that the profile does not name, when the system cannot seed them.

    `needed` maps each persona to the practices the scenarios introduce them in. A persona
    of a practice the profile plays none of is not missing: a product with one practice
    (one tenant) skips the scenarios of the other, naming it."""
    if Capability.SEEDING in prepared.capabilities:
        return []
    played = {entry.plays for cast in prepared.profile.casts for entry in cast.practices.values()}
    named = {entry.plays for cast in prepared.profile.casts for entry in cast.personas.values()}
    return sorted(name for name, practices in needed.items() if name not in named and practices & played)