"""Clinicware's QA hooks: seeding and the clock, in the harness's test-hook protocol.

A staging build of a product may offer this small JSON protocol to be checked
with fresh accounts per scenario and a clock it can move (docs/browser.md,
"Capabilities"); Clinicware offers it under /qa, under its own header names.
It offers no client-address hook: scenarios needing one are skipped.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from mfa_conformance.simulator import errors as refusals

from .clinic import ADDRESS_HEADER, CLOCK_HEADER, Clinic

__all__ = ["qa_hooks"]


def qa_hooks(clinic: Clinic) -> Blueprint:
    hooks = Blueprint("qa", __name__, url_prefix="/qa")

    def lane() -> str:
        return request.headers.get(CLOCK_HEADER, "")

    def body() -> dict:
        data = request.get_json(silent=True)
        return data if isinstance(data, dict) else {}

    @hooks.errorhandler(refusals.MfaError)
    def refused(error: refusals.MfaError):
        return jsonify(refused=type(error).__name__, message=str(error)), 409

    @hooks.get("")
    def describe():
        return jsonify(hooks=["seeding", "clock"], clock_header=CLOCK_HEADER, address_header=ADDRESS_HEADER)

    @hooks.post("/practices")
    def practice():
        data = body()
        clinic.run(lane(), lambda sim: sim.create_practice(str(data.get("name", "")),
                                                           mfa_available=bool(data.get("mfa_available", True))))
        return jsonify(created=data.get("name")), 201

    @hooks.post("/users")
    def user():
        data = body()
        clinic.run(lane(), lambda sim: sim.create_user(str(data.get("practice", "")), str(data.get("username", "")),
                                                       str(data.get("password", "")),
                                                       account_holder=bool(data.get("account_holder", False))))
        return jsonify(created=data.get("username")), 201

    @hooks.get("/clock")
    def read_clock():
        return jsonify(now=clinic.now(lane()))

    @hooks.post("/clock")
    def move_clock():
        data = body()
        return jsonify(now=clinic.move_clock(lane(), to=data.get("set"), by=data.get("advance")))

    return hooks
