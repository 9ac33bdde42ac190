"""The vendor support console: find any user of any practice and reset their MFA.

It exists only when the server has a support password (whoever knows it may
open the console) or runs with test hooks (open to the test run).
"""

from __future__ import annotations

import hmac

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from ..context import domain, message_page
from ..security import SUPPORT_COOKIE, cookie_flags, sign

__all__ = ["blueprint"]

blueprint = Blueprint("support", __name__, url_prefix="/support")


def _password() -> str | None:
    config = current_app.extensions["mfa"].config
    return config.support_password


def _admitted() -> bool:
    if _password() is None:
        return True
    return hmac.compare_digest(request.cookies.get(SUPPORT_COOKIE, ""), sign("support"))


@blueprint.get("")
def console():
    if not _admitted():
        return render_template("support_sign_in.html")
    query = request.args.get("username")
    found = None
    if query:
        with domain() as sim:
            found = sim.support_find_user(query.strip())
    return render_template("support.html", query=query or "", found=found, searched=query is not None,
                           reset=request.args.get("reset") == "1")


@blueprint.post("")
def open_console():
    password = _password()
    if password is None or not hmac.compare_digest(request.form.get("password", "").encode(), password.encode()):
        return message_page("Wrong support password.", 403)
    response = redirect(url_for(".console"), 303)
    response.set_cookie(SUPPORT_COOKIE, sign("support"), **(cookie_flags() | {"samesite": "Strict"}))
    return response


@blueprint.post("/users/<username>/reset-mfa")
def reset_mfa(username: str):
    if not _admitted():
        return message_page("Open the support console first.", 403)
    with domain() as sim:
        sim.support_reset_mfa(username)
    return redirect(url_for(".console", username=username, reset=1), 303)
