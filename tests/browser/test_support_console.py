"""The support console's sign-in: fields from the profile, values from the
environment, and a refused sign-in failing the support step itself."""

from __future__ import annotations

import pytest

from mfa_conformance.driver.browser.pages.support_console import ConsoleSignInFailed
from mfa_conformance.driver.browser.settings import BrowserSettings, prepare
from mfa_conformance.driver.browser.system import BrowserSystem
from mfa_conformance.driver.errors import Refused

from .served import ServedApp

pytestmark = pytest.mark.browser


def test_a_refused_console_sign_in_fails_the_support_step_with_the_consoles_words(tmp_path, chromium, monkeypatch):
    profile = tmp_path / "vendor.toml"
    profile.write_text('extends = "reference"\n[system]\ncapabilities = ["support-console"]\n'
                       'support_password_env = "VENDOR_SUPPORT_PASSWORD"\n', encoding="utf-8")
    monkeypatch.setenv("VENDOR_SUPPORT_PASSWORD", "not the console's password")
    with ServedApp(tmp_path / "state.sqlite3", test_hooks=False,
                   env={"MFA_SUPPORT_PASSWORD": "the console's password"}) as app:
        system = BrowserSystem(prepare(BrowserSettings(base_url=app.url, profile=profile, trace=False)))
        try:
            system.start_scenario("a refused console sign-in")
            with pytest.raises(ConsoleSignInFailed) as raised:
                system.support_reset_mfa("dana")
        finally:
            system.close()
    assert not isinstance(raised.value, Refused)  # no step may take it for the system's answer to the reset
    assert str(raised.value) == "the support console refused its sign-in on /support: Wrong support password."
