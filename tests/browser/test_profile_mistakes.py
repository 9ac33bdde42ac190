"""A profile mistake, a locator that finds nothing or finds several elements, is
one line naming the profile key and the page it was looked for on."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from mfa_conformance.driver.browser.pages.base import ElementMissing
from mfa_conformance.driver.browser.settings import BrowserSettings, prepare
from mfa_conformance.driver.browser.system import BrowserSystem

pytestmark = pytest.mark.browser


def _mistake(url: str, tmp_path: Path, override: str, action) -> str:
    profile = tmp_path / "wrong.toml"
    profile.write_text(f'extends = "reference"\n{override}\n', encoding="utf-8")
    system = BrowserSystem(prepare(BrowserSettings(base_url=url, profile=profile, trace=False, check_profile=False)))
    try:
        system.start_scenario("a profile mistake")
        suffix = secrets.token_hex(3)
        username, password = f"erin.{suffix}", secrets.token_urlsafe(16)
        system.create_practice(f"Riverside {suffix}")
        system.create_user(f"Riverside {suffix}", username, password)
        with pytest.raises(ElementMissing) as raised:
            action(system, username, password)
        return str(raised.value)
    finally:
        system.close()


def test_a_locator_that_finds_nothing_names_its_key_and_page(reference_app, chromium, tmp_path):
    message = _mistake(reference_app.url, tmp_path,
                       '[mfa_configuration]\nqr_code = { role = "img", name = "A picture nobody drew" }',
                       lambda system, *account: system.sign_in(*account).open_mfa_configuration())
    assert message == ("profile key mfa_configuration.qr_code (role='img', name='A picture nobody drew') "
                       "finds nothing on /security/authenticator")


def test_a_locator_that_finds_several_elements_names_its_key_and_page(reference_app, chromium, tmp_path):
    message = _mistake(reference_app.url, tmp_path, '[sign_in]\npassword = { css = "input" }',
                       lambda system, *account: system.sign_in(*account))
    assert message.startswith("profile key sign_in.password (css='input') finds ")
    assert message.endswith(" elements, not one on /sign-in") and "\n" not in message
