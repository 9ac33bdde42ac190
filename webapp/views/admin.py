"""Menu -> Admin -> Practice Security Settings, and User Settings.

Only account holders pass; the domain refuses anyone else (NotAccountHolder),
which the app shows as a message page like every refusal.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from ..context import domain
from ..sessions import session_token

__all__ = ["blueprint"]

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


@blueprint.get("/security-settings")
def security_settings():
    with domain() as sim:
        enforced = sim.enforcement(session_token())
        safelist = sim.safelist(session_token())
    return render_template("security_settings.html", enforced=enforced, safelist=safelist,
                           saved=request.args.get("saved") == "1", signed_in=True)


@blueprint.post("/security-settings/mfa")
def save_enforcement():
    with domain() as sim:
        sim.set_enforcement(session_token(), request.form.get("enforce") == "on")
    return redirect(url_for(".security_settings", saved=1), 303)


@blueprint.post("/security-settings/ip-safelist")
def save_safelist():
    lines = [line.strip() for line in request.form.get("safelist", "").splitlines()]
    with domain() as sim:
        sim.set_safelist(session_token(), [line for line in lines if line])
    return redirect(url_for(".security_settings", saved=1), 303)


@blueprint.get("/users")
def user_settings():
    query = request.args.get("username")
    with domain() as sim:
        if query is None:
            users, searched = sim.user_statuses(session_token()), False
        else:
            found = sim.find_user(session_token(), query.strip())
            users, searched = ([] if found is None else [found]), True
    return render_template("user_settings.html", users=users, searched=searched, query=query or "",
                           signed_in=True)


@blueprint.get("/users/<username>")
def user(username: str):
    with domain() as sim:
        found = sim.find_user(session_token(), username)
    if found is None:
        return redirect(url_for(".user_settings", username=username), 303)
    return render_template("user.html", user=found, reset=request.args.get("reset") == "1", signed_in=True)


@blueprint.post("/users/<username>/reset-mfa")
def reset_mfa(username: str):
    with domain() as sim:
        sim.reset_mfa(session_token(), username)
    return redirect(url_for(".user", username=username, reset=1), 303)
