"""The browser driver (`--sut browser --base-url URL [--profile FILE]`).

Checks a deployed web product through Debian's Chromium, by the labels its
vendor profile names. Page objects in `pages/` hold every locator; `profile.py`
reads and checks the profile; the harness's `mfa_conformance.browser_options` pytest
plugin adds the command-line options and passes the settings to the factory.
"""

from __future__ import annotations

from collections.abc import Mapping

from .profile import DEFAULT_PROFILE, Profile, ProfileError, load_profile
from .settings import BrowserSettings, SetupError, prepare

__all__ = ["browser_system", "BrowserSettings", "Profile", "ProfileError", "load_profile", "DEFAULT_PROFILE",
           "SetupError"]


def browser_system(settings: BrowserSettings | None = None, browser_options: Mapping[str, str | None] | None = None):
    """The `--sut browser` factory, given its settings by whoever opens the system: the pytest plugin's
    (`settings`), or a command's browser options (`browser_options`: `base_url`, `profile`, `ws_endpoint`,
    `chromium`), each over its MFA_* environment variable."""
    from mfa_conformance.driver.errors import SutSpecError

    from .system import BrowserSystem

    try:
        prepared = prepare(settings if settings is not None else BrowserSettings.from_options(browser_options or {}))
    except SetupError as error:
        raise SutSpecError(str(error)) from None
    return BrowserSystem(prepared)
