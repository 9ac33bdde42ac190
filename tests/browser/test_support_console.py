"""The support console's sign-in: fields from the profile, values from the
environment, and a refused sign-in failing the support step itself."""

from __future__ import annotations

import pytest

from mfa_conformance.driver.browser.pages.support_console import ConsoleSignInFailed
from mfa_conformance.driver.browser.settings import BrowserSettings, prepare
from mfa_conformance.driver.browser.system import BrowserSystem
from mfa_conformance.driver.errors import Refused, UnknownUser

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


def test_a_console_whose_search_shares_its_sign_in_fields_label_is_seen_open(tmp_path, chromium, monkeypatch):
    """That the console opened is read from its own page (its search and button), not from its sign-in
    field being gone: here the search box carries the sign-in field's label."""
    labels = tmp_path / "labels.toml"
    labels.write_text('[labels]\nsupport_password = "Username"\n', encoding="utf-8")
    profile = tmp_path / "vendor.toml"
    profile.write_text('extends = "reference"\n[system]\ncapabilities = ["support-console"]\n'
                       'support_password_env = "VENDOR_SUPPORT_PASSWORD"\n'
                       '[support_console]\npassword = { label = "Username" }\n', encoding="utf-8")
    monkeypatch.setenv("VENDOR_SUPPORT_PASSWORD", "the console's password")
    with ServedApp(tmp_path / "state.sqlite3", test_hooks=False, labels=labels,
                   env={"MFA_SUPPORT_PASSWORD": "the console's password"}) as app:
        system = BrowserSystem(prepare(BrowserSettings(base_url=app.url, profile=profile, trace=False)))
        try:
            system.start_scenario("a console whose search is labelled as its sign-in field")
            with pytest.raises(UnknownUser):  # the console opened, searched, and found no such user
                system.support_reset_mfa("nobody-here")
        finally:
            system.close()
