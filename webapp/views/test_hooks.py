"""Test hooks: seeding (accounts, and the state a scenario starts from) and the clock, as JSON, only with `serve --test-hooks`.

Without the flag this blueprint is not registered and every path under
/_test answers 404; with it, only a loopback client reaches it (security.py),
and `serve` refuses the flag on a listener others can reach. The clock is per
lane (the X-MFA-Test-Clock header), so parallel runs against one server each
move only their own time.

Every value is checked before anything changes, and a bad one is a 400 naming
the field: a clock that reached Infinity or 10**400 once made every later code
check on it fail. A body that is no JSON object (not UTF-8, or nested deeper
than Python's reader goes) is a 400 too, a text holding a lone surrogate a 400
naming its field, and a body over the server's size limit a 413; each answer is
one JSON line.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from mfa_conformance.simulator import errors as refusals

from ..context import ADDRESS_HEADER, CLOCK_HEADER, REFUSAL_STATUS, clock_lane, domain, request_too_large
from ..store import MAX_TIME, valid_time

__all__ = ["blueprint", "HOOKS", "MAX_NAME", "MAX_PASSWORD", "MAX_SAFELIST_ENTRIES"]

blueprint = Blueprint("test_hooks", __name__, url_prefix="/_test")

HOOKS = ("seeding", "state-seeding", "clock", "client-address", "support-console")
MAX_NAME = 200
"""Longest practice name or username a hook accepts."""
MAX_PASSWORD = 1024

FIELDS = {
    "/practices": {"name": str, "mfa_available": bool},
    "/users": {"practice": str, "username": str, "password": str, "account_holder": bool},
    "/clock": {"set": float, "advance": float},
    "/devices": {"username": str, "device_name": str},
    "/practice-settings": {"practice": str, "enforced": bool, "safelist": list},
}
MAX_SAFELIST_ENTRIES = 1000


class BadHookRequest(Exception):
    pass


@blueprint.errorhandler(refusals.MfaError)
def _refused(error: refusals.MfaError):
    return jsonify(refused=type(error).__name__, message=str(error)), REFUSAL_STATUS.get(type(error), 400)


@blueprint.errorhandler(BadHookRequest)
def _bad(error: BadHookRequest):
    return jsonify(refused="BadRequest", message=str(error)), 400


@blueprint.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge):
    return jsonify(refused="RequestTooLarge", message=request_too_large()), 413


def _body(hook: str) -> dict:
    """The JSON object sent to a hook, every field of the right type, or BadHookRequest naming the first wrong one."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # "[[[[...": deeper than the JSON reader goes
        raise BadHookRequest("expected a JSON object (this one is nested too deep to read)") from None
    if not isinstance(data, dict):
        raise BadHookRequest("expected a JSON object")
    fields = FIELDS[hook]
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise BadHookRequest(f"unknown field(s) {', '.join(map(repr, unknown))}; expected {', '.join(fields)}")
    for name, kind in fields.items():
        if name not in data:
            continue
        value = data[name]
        if kind is float:
            if not valid_time(value):
                raise BadHookRequest(f"{name} must be a number of seconds from 0 to {MAX_TIME:.0f}")
        elif kind is bool:
            if not isinstance(value, bool):
                raise BadHookRequest(f"{name} must be true or false")
        elif kind is list:
            if (not isinstance(value, list) or len(value) > MAX_SAFELIST_ENTRIES
                    or not all(isinstance(v, str) and len(v) <= MAX_NAME and _encodable(v) for v in value)):
                raise BadHookRequest(f"{name} must be a list of at most {MAX_SAFELIST_ENTRIES} texts")
        elif not isinstance(value, str) or not value.strip():
            raise BadHookRequest(f"{name} must be non-empty text")
        elif len(value) > (MAX_PASSWORD if name == "password" else MAX_NAME):
            raise BadHookRequest(f"{name} is longer than {MAX_PASSWORD if name == 'password' else MAX_NAME} characters")
        elif name == "username" and value != value.strip():
            raise BadHookRequest("username must not begin or end with white space (sign-in trims it)")
        if isinstance(value, str) and not _encodable(value):
            raise BadHookRequest(f"{name} must be text of Unicode characters (it holds a lone surrogate)")
    return data


def _encodable(text: str) -> bool:
    """JSON may carry a lone surrogate (\\ud800), which no database or page can hold."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@blueprint.get("")
def describe():
    return jsonify(hooks=list(HOOKS), clock_header=CLOCK_HEADER, address_header=ADDRESS_HEADER,
                   support_console="/support")


@blueprint.post("/practices")
def create_practice():
    data = _body("/practices")
    if "name" not in data:
        raise BadHookRequest("name is required")
    with domain() as sim:
        sim.create_practice(data["name"], mfa_available=data.get("mfa_available", True))
    return jsonify(created=data["name"]), 201


@blueprint.post("/users")
def create_user():
    data = _body("/users")
    missing = [name for name in ("practice", "username", "password") if name not in data]
    if missing:
        raise BadHookRequest(f"{', '.join(missing)} required")
    with domain() as sim:
        sim.create_user(data["practice"], data["username"], data["password"],
                        account_holder=data.get("account_holder", False))
    return jsonify(created=data["username"]), 201


@blueprint.post("/devices")
def seed_device():
    """An enrolled device, as the screens would leave it; the answer is its Key URI (secret included),
    for the harness's phone: loopback only, like every hook, and never logged."""
    data = _body("/devices")
    missing = [name for name in ("username", "device_name") if name not in data]
    if missing:
        raise BadHookRequest(f"{', '.join(missing)} required")
    with domain() as sim:
        uri = sim.seed_device(data["username"], data["device_name"])
    return jsonify(key_uri=uri), 201


@blueprint.post("/practice-settings")
def seed_practice_settings():
    data = _body("/practice-settings")
    if "practice" not in data:
        raise BadHookRequest("practice is required")
    with domain() as sim:
        sim.seed_practice_settings(data["practice"], enforced=data.get("enforced"), safelist=data.get("safelist"))
    return jsonify(saved=data["practice"]), 200


@blueprint.get("/clock")
def read_clock():
    return jsonify(now=current_app.extensions["mfa"].store.clock(clock_lane())())


@blueprint.post("/clock")
def move_clock():
    data = _body("/clock")
    if "set" not in data and "advance" not in data:
        raise BadHookRequest("give 'set' (Unix seconds) or 'advance' (seconds)")
    try:
        clock = current_app.extensions["mfa"].store.move_clock(clock_lane(), to=data.get("set"),
                                                                by=data.get("advance"))
    except ValueError:
        raise BadHookRequest(f"the clock would pass the year 9999 ({MAX_TIME:.0f} s)") from None
    return jsonify(now=clock())
