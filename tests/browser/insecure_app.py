"""`mfa-conformance serve` with one attack let through, for the browser's security checks:

    python -m tests.browser.insecure_app replay_race serve --port 0 --db state.sqlite3 --test-hooks

Each build is the reference web app with one defence taken out, the way a real
product gets it wrong: the two races read in one transaction and write in a
second after a pause (so codes sent at once from several browsers really meet
at the server, or the check would not catch them), the MFA Configuration page
offers an enrolled user a new device and removes hers as its QR code is shown
(Keycloak #38593), the others run a broken simulator of
tests/security_mutants.py or lift the password lock.
tests/browser/test_security_browser.py proves a security scenario fails
through the browser against each.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from flask import Flask, redirect, render_template_string, request, url_for

from mfa_conformance import cli
from mfa_conformance.simulator import SUGGESTED_APPS, Simulator, Stage, totp
from mfa_conformance.simulator.errors import CodeRejected, MfaLocked
from mfa_conformance.simulator.state import UserView
from mfa_conformance.webapp import app as webapp_app
from mfa_conformance.webapp import guesses, store
from mfa_conformance.webapp.context import domain
from mfa_conformance.webapp.security import set_session
from mfa_conformance.webapp.sessions import session_token
from mfa_conformance.webapp.views import signing_in

from ..mutants import ResetKeepsSessions
from ..security_mutants import (
    KeyOnTheSupportConsole, LockedAccountToldApart, LockLeavesTheSignInOpen, OpeningSetupRemovesTheDevice,
    PasswordClearsTheWrongCodes, SafelistAnswerWordedApart, SessionTokenNotRenewed, SignOutKeepsTheSession,
    WaitingSignInKeepsTheOldDevice,
)

GAP = 0.3
"""Seconds between a race's two transactions: every request sent at once reads before any writes."""
CODE_VIEW = "signing_in.code_submit"
SETUP_VIEW = "enrollment.mfa_configuration"


def _checked(token: str, code: str) -> tuple[int | None, int]:
    """First transaction: the step the code matches (None: wrong) and the count of wrong codes, as read."""
    with domain() as sim:
        session = sim._session(token)
        user = sim.state.users[session.username]
        assert user.device is not None
        step = totp.matching_step(user.device.secret, code, unix_time=sim.clock(), after_step=user.device.last_step)
        return step, user.wrong_codes


def _racy_replay():
    token, code = session_token(), request.form.get("code", "").strip()
    with domain() as sim:
        waiting = sim.stage(token) is Stage.CODE_REQUIRED
    if not waiting:
        return signing_in.code_submit()
    step, _ = _checked(token, code)
    if step is None:
        return signing_in.code_submit()
    time.sleep(GAP)
    with domain() as sim:  # second transaction: record the step, as if nobody had come in between
        session = sim._session(token)
        user = sim.state.users[session.username]
        assert user.device is not None
        user.device.last_step, user.wrong_codes, session.stage = step, 0, Stage.SIGNED_IN
        renewed = sim.renew_session(token)
    response = redirect(url_for("signing_in.application"), 303)
    set_session(response, renewed)
    return response


def _racy_wrong_codes():
    token, code = session_token(), request.form.get("code", "").strip()
    with domain() as sim:
        waiting = sim.stage(token) is Stage.CODE_REQUIRED
    if not waiting:
        return signing_in.code_submit()
    step, seen = _checked(token, code)
    if step is not None:
        return signing_in.code_submit()
    time.sleep(GAP)
    with domain() as sim:  # second transaction: write back the count read in the first
        user = sim.state.users[sim._session(token).username]
        user.wrong_codes = seen + 1
        if sim._locked(user):
            sim._end_sessions(user)
            raise MfaLocked()
        raise CodeRejected()


OFFERED_AGAIN = """{% extends "base.html" %}
{% block title %}{{ L.mfa_configuration_heading }}{% endblock %}
{% block main %}
<h1>{{ L.mfa_configuration_heading }}</h1>
{% with user = me %}{% include "_status.html" %}{% endwith %}
{% with action = url_for('enrollment.choose_authenticator') %}{% include "_choose.html" %}{% endwith %}
{% endblock %}"""
"""The MFA Configuration page offering a new device to an enrolled user too, beside her status."""


def _setup_offered_again():
    with domain() as sim:
        me = sim.mfa_status(session_token())
    return render_template_string(OFFERED_AGAIN, me=me, apps=SUGGESTED_APPS, signed_in=True)


class KeyOnTheStatusPage(Simulator):
    """The user's MFA status (home and Authenticator pages) shows the device's key beside its name."""

    def mfa_status(self, token: str) -> UserView:
        view = super().mfa_status(token)
        device = self.state.users[view.username].device
        if device is None:
            return view
        return UserView(username=view.username, account_holder=view.account_holder, enrolled=view.enrolled,
                        device_name=f"{device.name} (key {device.secret})", locked=view.locked)


def _with_view(view: Callable[[], object], endpoint: str = CODE_VIEW) -> Callable[[], None]:
    def install() -> None:
        original = webapp_app.create_app

        def create_app(config) -> Flask:
            app = original(config)
            app.view_functions[endpoint] = view
            return app

        webapp_app.create_app = create_app  # type: ignore[assignment]

    return install


def _with_simulator(cls: type[Simulator]) -> Callable[[], None]:
    def install() -> None:
        store.Simulator = cls  # type: ignore[misc]

    return install


def _together(*installs: Callable[[], None]) -> Callable[[], None]:
    def install() -> None:
        for each in installs:
            each()

    return install


def _without_password_lock() -> None:
    guesses.Door.locked = lambda self: False  # type: ignore[method-assign]


BUILDS: dict[str, Callable[[], None]] = {
    "replay_race": _with_view(_racy_replay),
    "wrong_code_count_race": _with_view(_racy_wrong_codes),
    "sign_out_keeps_the_session": _with_simulator(SignOutKeepsTheSession),
    "reset_keeps_sessions": _with_simulator(ResetKeepsSessions),
    "session_token_not_renewed": _with_simulator(SessionTokenNotRenewed),
    "no_password_limit": _without_password_lock,
    "key_on_the_status_page": _with_simulator(KeyOnTheStatusPage),
    "opening_setup_removes_the_device": _together(_with_simulator(OpeningSetupRemovesTheDevice),
                                                  _with_view(_setup_offered_again, SETUP_VIEW)),
    "waiting_sign_in_keeps_the_old_device": _with_simulator(WaitingSignInKeepsTheOldDevice),
    "lock_leaves_the_sign_in_open": _with_simulator(LockLeavesTheSignInOpen),
    "password_clears_the_wrong_codes": _with_simulator(PasswordClearsTheWrongCodes),
    "locked_account_told_apart": _with_simulator(LockedAccountToldApart),
    "key_on_the_support_console": _with_simulator(KeyOnTheSupportConsole),
    "safelist_answer_worded_apart": _with_simulator(SafelistAnswerWordedApart),
}


def main(argv: list[str]) -> int:
    name, rest = argv[0], argv[1:]
    if name not in BUILDS:
        print(f"insecure_app: no build {name!r} (known: {', '.join(BUILDS)})", file=sys.stderr)
        return 2
    BUILDS[name]()
    return cli.main(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
