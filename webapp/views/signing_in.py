"""Sign-in with the password, then the code; the application; sign-out.

"/" sends a browser to the screen of its session's stage, so a person (or the
browser driver) always lands where the sign-in flow stands.

Each step of signing in hands the browser a new session token: the password
starts a new session (ending the one the browser held, if any), and the
accepted code renews its token, so a token seen before sign-in finished never
becomes a signed-in session. Password guesses are limited per username
(`guesses`), counted in the same transaction as the sign-in.

Nothing about an account is told before its password: a wrong password for an
account whose code entry is locked (five wrong codes) gets the answer a wrong
password gets anywhere, and an unknown username the same; only the right
password is told that code entry is locked, as only the right password reaches
the code prompt of an account that is not. Wrong passwords count as guesses
whatever the account's state, so the lock gives a guesser no more tries.

From outside the practice's IP safelist, the right password is refused as
`AddressNotAllowed` (the person is told why), or, with
`ServerConfig.safelist_answer = "like-wrong-password"` (the declared position
safelist_refusal of that name, which the stored simulator takes), any password
from there is answered exactly as a wrong password and counted as one, so that
nobody outside the safelist can tell a right password from a wrong one.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from mfa_conformance.simulator import Stage
from mfa_conformance.simulator.errors import MfaError, SessionEnded, WrongCredentials

from ..context import clock_lane, client_address, domain, extension, labels, message_page
from ..guesses import Door, user_door
from ..security import SESSION_COOKIE, clear_session, set_session
from ..sessions import session_token

__all__ = ["blueprint"]

blueprint = Blueprint("signing_in", __name__)

STAGE_SCREENS = {
    Stage.CODE_REQUIRED: "signing_in.code_prompt",
    Stage.SETUP_REQUIRED: "enrollment.setup_required",
    Stage.SIGNED_IN: "signing_in.application",
}


def _password_locked():
    """The answer while a username's password sign-in is locked: the same for the right and a wrong password."""
    config = extension().config
    minutes = max(1, round(config.password_lockout_seconds / 60))
    return message_page(labels().password_locked.replace("{minutes}", str(minutes)), 429)


@blueprint.get("/")
def start():
    try:
        with domain() as sim:
            stage = sim.stage(session_token())
    except SessionEnded:
        return redirect(url_for(".sign_in"), 303)
    return redirect(url_for(STAGE_SCREENS[stage]), 303)


@blueprint.get("/sign-in")
def sign_in():
    return render_template("sign_in.html")


@blueprint.post("/sign-in")
def sign_in_submit():
    username, password = request.form.get("username", "").strip(), request.form.get("password", "")
    config, store = extension().config, extension().store
    previous = request.cookies.get(SESSION_COOKIE, "")
    with store.unit(clock_lane()) as (sim, db):
        door = Door(db, user_door(username), config.password_guess_limit, config.password_lockout_seconds,
                    config.wall_clock())
        if door.locked():
            return _password_locked()
        try:
            token, stage = sim.sign_in(username, password, address=client_address())
        except WrongCredentials:
            door.wrong()
            raise
        except MfaError:  # refused after a right password (outside the safelist, locked codes)
            door.right()
            raise
        door.right()
        if previous and previous != token:
            try:
                sim.sign_out(previous)  # one browser, one session: the one it held ends
            except SessionEnded:
                pass
    response = redirect(url_for(STAGE_SCREENS[stage]), 303)
    set_session(response, token)
    return response


@blueprint.get("/sign-in/code")
def code_prompt():
    with domain() as sim:
        stage = sim.stage(session_token())
    if stage is not Stage.CODE_REQUIRED:
        return redirect(url_for(".start"), 303)
    return render_template("code_prompt.html", session_open=True)


@blueprint.post("/sign-in/code")
def code_submit():
    token = session_token()
    with domain() as sim:
        waiting = sim.stage(token) is Stage.CODE_REQUIRED
        stage = sim.submit_code(token, request.form.get("code", "").strip())
        renewed = sim.renew_session(token) if waiting and stage is Stage.SIGNED_IN else None
    response = redirect(url_for(STAGE_SCREENS[stage]), 303)
    if renewed:
        set_session(response, renewed)
    return response


@blueprint.get("/home")
def application():
    with domain() as sim:
        sim.enter_application(session_token())
        me = sim.mfa_status(session_token())
    return render_template("application.html", me=me, signed_in=True)


@blueprint.post("/sign-out")
def sign_out():
    with domain() as sim:
        sim.sign_out(session_token())
    response = redirect(url_for(".sign_in"), 303)
    clear_session(response)
    return response
