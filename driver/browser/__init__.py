"""The browser driver (`--sut browser --base-url URL [--profile FILE]`).

Checks a deployed web product through Debian's Chromium, by the labels its
vendor profile names. Page objects in `pages/` hold every locator; `profile.py`
reads and checks the profile; the harness's `mfa_conformance.browser` plugin adds
the command-line options.
"""

from __future__ import annotations

from .profile import DEFAULT_PROFILE, Profile, ProfileError, load_profile
from .settings import BrowserSettings, SetupError, configured, prepare

__all__ = ["browser_system", "BrowserSettings", "Profile", "ProfileError", "load_profile", "DEFAULT_PROFILE",
           "SetupError"]


def browser_system():
    """The `--sut browser` factory: settings from the command line (or MFA_* environment variables)."""
    from mfa_conformance.driver.loading import SutSpecError

    from .settings import take_over
    from .system import BrowserSystem

    ready = take_over()
    if isinstance(ready, BrowserSystem):
        return ready
    try:
        prepared = prepare(configured())
    except SetupError as error:
        raise SutSpecError(str(error)) from None
    return BrowserSystem(prepared)
