"""Test hooks: seeding and the clock, as JSON, only with `serve --test-hooks`.

Without the flag this blueprint is not registered and every path under
/_test answers 404. The clock is per lane (the X-MFA-Test-Clock header), so
parallel runs against one server each move only their own time.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from mfa_conformance.simulator import errors as refusals

from ..context import ADDRESS_HEADER, CLOCK_HEADER, REFUSAL_STATUS, clock_lane, domain

__all__ = ["blueprint", "HOOKS"]

blueprint = Blueprint("test_hooks", __name__, url_prefix="/_test")

HOOKS = ("seeding", "clock", "client-address", "support-console")


class BadHookRequest(Exception):
    pass


@blueprint.errorhandler(refusals.MfaError)
def _refused(error: refusals.MfaError):
    return jsonify(refused=type(error).__name__, message=str(error)), REFUSAL_STATUS.get(type(error), 400)


@blueprint.errorhandler(BadHookRequest)
def _bad(error: BadHookRequest):
    return jsonify(refused="BadRequest", message=str(error)), 400


def _body(**fields: type) -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadHookRequest("expected a JSON object")
    for name, kind in fields.items():
        if name in data and not isinstance(data[name], kind):
            raise BadHookRequest(f"{name} must be {getattr(kind, '__name__', 'a number')}")
    return data


@blueprint.get("")
def describe():
    return jsonify(hooks=list(HOOKS), clock_header=CLOCK_HEADER, address_header=ADDRESS_HEADER,
                   support_console="/support")


@blueprint.post("/practices")
def create_practice():
    data = _body(name=str, mfa_available=bool)
    with domain() as sim:
        sim.create_practice(data.get("name", ""), mfa_available=data.get("mfa_available", True))
    return jsonify(created=data.get("name")), 201


@blueprint.post("/users")
def create_user():
    data = _body(practice=str, username=str, password=str, account_holder=bool)
    if not data.get("username") or not data.get("password"):
        raise BadHookRequest("username and password are required")
    with domain() as sim:
        sim.create_user(data.get("practice", ""), data["username"], data["password"],
                        account_holder=data.get("account_holder", False))
    return jsonify(created=data["username"]), 201


@blueprint.get("/clock")
def read_clock():
    return jsonify(now=current_app.extensions["mfa"].store.clock(clock_lane())())


@blueprint.post("/clock")
def move_clock():
    data = _body(set=(int, float), advance=(int, float))
    if "set" not in data and "advance" not in data:
        raise BadHookRequest("give 'set' (Unix seconds) or 'advance' (seconds)")
    clock = current_app.extensions["mfa"].store.move_clock(clock_lane(), to=data.get("set"), by=data.get("advance"))
    return jsonify(now=clock())
