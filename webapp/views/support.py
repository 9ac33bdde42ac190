"""The vendor support console: find any user of any practice and reset their MFA.

It exists only when the server has a support password or runs with test
hooks. With a password, opening the console starts a server-side session
(`support_access`) that ends after `support_session_seconds` or when the
server's support password changes; wrong passwords are limited (`guesses`:
`support_guess_limit` in a row lock the console's sign-in, for everyone, for
`support_lockout_seconds`). With test hooks and no password, the console is
open, to loopback clients only (others get 404, see security.py).
"""

from __future__ import annotations

import hmac

from flask import Blueprint, redirect, render_template, request, url_for

from .. import support_access
from ..context import domain, extension, labels, message_page
from ..guesses import SUPPORT_DOOR, Door
from ..security import SUPPORT_COOKIE, cookie_flags

__all__ = ["blueprint"]

blueprint = Blueprint("support", __name__, url_prefix="/support")


def _tag() -> str:
    password = extension().config.support_password
    assert password is not None
    return support_access.password_tag(extension().store.signing_key, password)


def _admitted() -> bool:
    config, store = extension().config, extension().store
    if config.support_password is None:
        return True  # test hooks without a password; security.py already turned away non-loopback clients
    with store.transaction() as db:
        return support_access.admitted(db, request.cookies.get(SUPPORT_COOKIE, ""), _tag(), config.wall_clock(),
                                       config.support_session_seconds)


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
    config, store = extension().config, extension().store
    if config.support_password is None:
        return redirect(url_for(".console"), 303)  # nothing to open: the console is open
    now = config.wall_clock()
    with store.transaction() as db:
        door = Door(db, SUPPORT_DOOR, config.support_guess_limit, config.support_lockout_seconds, now)
        if door.locked():  # refused before the password is looked at: right and wrong answer alike
            minutes = max(1, round(config.support_lockout_seconds / 60))
            return message_page(labels().support_locked.replace("{minutes}", str(minutes)), 429)
        sent = request.form.get("password", "").encode("utf-8", "replace")
        if not hmac.compare_digest(sent, config.support_password.encode()):
            door.wrong()
            return message_page(labels().support_wrong_password, 403)
        door.right()
        token = support_access.open_session(db, _tag(), now, config.support_session_seconds)
    response = redirect(url_for(".console"), 303)
    flags = cookie_flags() | {"samesite": "Strict", "path": "/support"}
    response.set_cookie(SUPPORT_COOKIE, token, max_age=int(config.support_session_seconds), **flags)
    return response


@blueprint.post("/users/<username>/reset-mfa")
def reset_mfa(username: str):
    if not _admitted():
        return message_page(labels().support_closed, 403)
    with domain() as sim:
        sim.support_reset_mfa(username)
    return redirect(url_for(".console", username=username, reset=1), 303)
