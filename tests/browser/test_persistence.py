"""A restart of the served web app keeps every practice, user, enrollment,
setting and open session: the state lives in its SQLite file."""

from __future__ import annotations

import secrets

import pytest

from mfa_conformance.driver import Stage, UserStatus
from mfa_conformance.driver.browser.settings import BrowserSettings, prepare
from mfa_conformance.driver.browser.system import BrowserSystem
from mfa_conformance.people.authenticator import AuthenticatorApp

from .served import ServedApp

pytestmark = pytest.mark.browser


def test_a_restart_keeps_practices_users_enrollments_and_sessions(tmp_path, chromium):
    app = ServedApp(tmp_path / "state.sqlite3").start()
    system = BrowserSystem(prepare(BrowserSettings(base_url=app.url, trace=False)))
    try:
        system.start_scenario("a restart keeps the state")
        suffix = secrets.token_hex(3)
        practice, dana, erin = f"Riverside {suffix}", f"dana.{suffix}", f"erin.{suffix}"
        passwords = {dana: secrets.token_urlsafe(16), erin: secrets.token_urlsafe(16)}
        system.create_practice(practice)
        system.create_user(practice, dana, passwords[dana], account_holder=True)
        system.create_user(practice, erin, passwords[erin])
        phone = AuthenticatorApp(now=system.now, wait_until=lambda t: system.advance(max(0.0, t - system.now())),
                                 latency=system.code_latency)
        erin_session = system.sign_in(erin, passwords[erin])
        phone.scan(erin_session.open_mfa_configuration().qr_png)
        erin_session.save_device(phone.current_code(), "Erin's phone")
        dana_session = system.sign_in(dana, passwords[dana])
        dana_session.set_safelist(["127.0.0.0/8", "203.0.113.0/24"])

        app.restart()
        system.changed()  # nothing the browsers showed before the restart counts as seen since

        assert dana_session.stage is Stage.SIGNED_IN
        assert dana_session.safelist() == ("127.0.0.0/8", "203.0.113.0/24")
        assert UserStatus(erin, True, "Erin's phone", False) in dana_session.user_statuses()
        assert erin_session.own_mfa_status().device_name == "Erin's phone"
        again = system.sign_in(erin, passwords[erin])
        assert again.stage is Stage.CODE_REQUIRED
        assert again.submit_code(phone.current_code()) is Stage.SIGNED_IN
    finally:
        system.close()
        app.stop()
