"""Menu -> Admin -> Practice Security Settings, and User Settings.

Only account holders pass; the domain refuses anyone else (NotAccountHolder),
which the app shows as a message page like every refusal.

The IP safelist is bounded (`ServerConfig.safelist_max_entries`,
`safelist_max_characters`): every sign-in to the practice checks every entry,
inside the one write transaction all requests queue on, so a list of 300,000
entries slowed every other practice's sign-ins too. A longer one is refused,
naming the limit, and nothing is saved.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from ..context import domain, extension, labels, message_page
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
    text = request.form.get("safelist", "")
    lines = [line.strip() for line in text.splitlines()]
    entries = [line for line in lines if line]
    with domain() as sim:
        sim.safelist(session_token())  # anyone but an account holder is refused first, as saving refuses them
        refusal = _over_limit(text, entries)
        if refusal is None:
            sim.set_safelist(session_token(), entries)
    if refusal is not None:
        return message_page(refusal, 422)
    return redirect(url_for(".security_settings", saved=1), 303)


def _over_limit(text: str, entries: list[str]) -> str | None:
    """The refusal of a safelist over the server's limits, naming the limit; None within them."""
    config = extension().config
    for label, limit, count in (("safelist_too_long", config.safelist_max_characters, len(text)),
                                ("safelist_too_many", config.safelist_max_entries, len(entries))):
        if count > limit:
            return labels()[label].replace("{limit}", f"{limit:,}").replace("{count}", f"{count:,}")
    return None


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
