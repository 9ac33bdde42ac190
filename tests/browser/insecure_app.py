"""`mfa-conformance serve` with one attack let through, for the browser's security checks:

    python -m tests.browser.insecure_app replay_race serve --port 0 --db state.sqlite3 --test-hooks

Each build is the reference web app with one defence taken out, the way a real
product gets it wrong: the two races read in one transaction and write in a
second after a pause (so codes sent at once from several browsers really meet
at the server, or the check would not catch them), the others run a broken
simulator of tests/security_mutants.py or lift the password lock.
tests/browser/test_security_browser.py proves a security scenario fails
through the browser against each.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from flask import Flask, redirect, request, url_for

from mfa_conformance import cli
from mfa_conformance.simulator import Simulator, Stage, totp
from mfa_conformance.simulator.errors import CodeRejected, MfaLocked
from mfa_conformance.simulator.state import UserView
from mfa_conformance.webapp import app as webapp_app
from mfa_conformance.webapp import guesses, store
from mfa_conformance.webapp.context import domain
from mfa_conformance.webapp.security import set_session
from mfa_conformance.webapp.sessions import session_token
from mfa_conformance.webapp.views import signing_in

from ..mutants import ResetKeepsSessions
from ..security_mutants import SessionTokenNotRenewed, SignOutKeepsTheSession

GAP = 0.3
"""Seconds between a race's two transactions: every request sent at once reads before any writes."""
CODE_VIEW = "signing_in.code_submit"


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


class KeyOnTheStatusPage(Simulator):
    """The user's MFA status (home and Authenticator pages) shows the device's key beside its name."""

    def mfa_status(self, token: str) -> UserView:
        view = super().mfa_status(token)
        device = self.state.users[view.username].device
        if device is None:
            return view
        return UserView(username=view.username, account_holder=view.account_holder, enrolled=view.enrolled,
                        device_name=f"{device.name} (key {device.secret})", locked=view.locked)


def _with_view(view: Callable[[], object]) -> Callable[[], None]:
    def install() -> None:
        original = webapp_app.create_app

        def create_app(config) -> Flask:
            app = original(config)
            app.view_functions[CODE_VIEW] = view
            return app

        webapp_app.create_app = create_app  # type: ignore[assignment]

    return install


def _with_simulator(cls: type[Simulator]) -> Callable[[], None]:
    def install() -> None:
        store.Simulator = cls  # type: ignore[misc]

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
