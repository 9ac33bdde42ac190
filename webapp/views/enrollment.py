"""Security -> Authenticator -> MFA Configuration, and the forced setup screen.

Both run the same domain flow: choosing an authenticator app begins an
enrollment (a fresh key, shown once as a QR code and as text for manual
entry); the app's one-time code and a device name save it. The QR code is an
inline PNG, so the key never travels in a URL or a second request. Saving the
device on the forced setup screen is the last step of signing in, so the
session gets a new token there, as it does when a code is accepted.
"""

from __future__ import annotations

import base64

from flask import Blueprint, redirect, render_template, request, url_for

from mfa_conformance.simulator import SUGGESTED_APPS, Stage
from mfa_conformance.simulator.errors import AlreadyEnrolled

from ..context import domain, labels
from ..security import set_session
from ..sessions import session_token

__all__ = ["blueprint"]

blueprint = Blueprint("enrollment", __name__)


def _chosen_app() -> str | None:
    """The suggested app the user picked, or None for another TOTP app."""
    app = request.form.get("authenticator", "")
    return app if app in SUGGESTED_APPS else None


def _enrollment_page(*, save_to: str, forced: bool):
    with domain() as sim:
        screen = sim.begin_enrollment(session_token())
    return render_template(
        "enroll.html", apps=SUGGESTED_APPS,
        heading=labels().setup_required_heading if forced else labels().mfa_configuration_heading, chosen=_chosen_app(), save_to=save_to, forced=forced,
        qr_data=base64.b64encode(screen.qr_png).decode("ascii"), manual_key=screen.manual_key,
        signed_in=not forced, session_open=True,
    )


@blueprint.get("/security")
def security():
    with domain() as sim:
        me = sim.mfa_status(session_token())
    return render_template("security.html", me=me, signed_in=True)


@blueprint.get("/security/authenticator")
def mfa_configuration():
    with domain() as sim:
        me = sim.mfa_status(session_token())
    return render_template("mfa_configuration.html", me=me, apps=SUGGESTED_APPS, signed_in=True,
                           already_enrolled=AlreadyEnrolled.message)


@blueprint.post("/security/authenticator")
def choose_authenticator():
    return _enrollment_page(save_to=url_for(".save_device"), forced=False)


@blueprint.post("/security/authenticator/device")
def save_device():
    with domain() as sim:
        sim.save_device(session_token(), request.form.get("code", "").strip(), request.form.get("device_name", ""))
    return redirect(url_for(".mfa_configuration"), 303)


@blueprint.get("/setup")
def setup_required():
    with domain() as sim:
        stage = sim.stage(session_token())
    if stage is not Stage.SETUP_REQUIRED:
        return redirect(url_for("signing_in.start"), 303)
    return render_template("setup_required.html", apps=SUGGESTED_APPS, session_open=True)


@blueprint.post("/setup")
def setup_choose():
    return _enrollment_page(save_to=url_for(".setup_save"), forced=True)


@blueprint.post("/setup/device")
def setup_save():
    token = session_token()
    with domain() as sim:
        forced = sim.stage(token) is Stage.SETUP_REQUIRED
        sim.save_device(token, request.form.get("code", "").strip(), request.form.get("device_name", ""))
        renewed = sim.renew_session(token) if forced and sim.stage(token) is Stage.SIGNED_IN else None
    response = redirect(url_for("signing_in.application"), 303)
    if renewed:
        set_session(response, renewed)
    return response
