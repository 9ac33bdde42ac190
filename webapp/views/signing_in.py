"""Sign-in with the password, then the code; the application; sign-out.

"/" sends a browser to the screen of its session's stage, so a person (or the
browser driver) always lands where the sign-in flow stands.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from mfa_conformance.simulator import Stage
from mfa_conformance.simulator.errors import SessionEnded

from ..context import client_address, domain
from ..security import clear_session, session_token, set_session

__all__ = ["blueprint"]

blueprint = Blueprint("signing_in", __name__)

STAGE_SCREENS = {
    Stage.CODE_REQUIRED: "signing_in.code_prompt",
    Stage.SETUP_REQUIRED: "enrollment.setup_required",
    Stage.SIGNED_IN: "signing_in.application",
}


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
    username, password = request.form.get("username", ""), request.form.get("password", "")
    with domain() as sim:
        token, stage = sim.sign_in(username.strip(), password, address=client_address())
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
    with domain() as sim:
        stage = sim.submit_code(session_token(), request.form.get("code", "").strip())
    return redirect(url_for(STAGE_SCREENS[stage]), 303)


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
