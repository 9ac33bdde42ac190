"""The simulator's practices, users and sessions as database rows: one JSON text each.

Kept apart from the store so the (de)serialisation can be read, and changed,
in one place; the simulator itself stays free of it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from mfa_conformance.simulator.state import Device, Practice, Session, Stage, User

__all__ = ["CODECS"]


def _dump(data: dict) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def encode_practice(p: Practice) -> str:
    return _dump({"name": p.name, "mfa_available": p.mfa_available, "enforced": p.enforced,
                  "safelist": list(p.safelist)})


def decode_practice(text: str) -> Practice:
    d = json.loads(text)
    return Practice(name=d["name"], mfa_available=d["mfa_available"], enforced=d["enforced"],
                    safelist=tuple(d["safelist"]))


def encode_user(u: User) -> str:
    device = u.device and {"name": u.device.name, "secret": u.device.secret, "last_step": u.device.last_step}
    return _dump({"username": u.username, "practice": u.practice, "password_salt": u.password_salt.hex(),
                  "password_hash": u.password_hash.hex(), "account_holder": u.account_holder, "device": device,
                  "wrong_codes": u.wrong_codes})


def decode_user(text: str) -> User:
    d = json.loads(text)
    device = d["device"] and Device(name=d["device"]["name"], secret=d["device"]["secret"],
                                    last_step=d["device"]["last_step"])
    return User(username=d["username"], practice=d["practice"], password_salt=bytes.fromhex(d["password_salt"]),
                password_hash=bytes.fromhex(d["password_hash"]), account_holder=d["account_holder"],
                device=device, wrong_codes=d["wrong_codes"])


def encode_session(s: Session) -> str:
    return _dump({"token": s.token, "username": s.username, "stage": s.stage.value,
                  "pending_secret": s.pending_secret})


def decode_session(text: str) -> Session:
    d = json.loads(text)
    return Session(token=d["token"], username=d["username"], stage=Stage(d["stage"]),
                   pending_secret=d["pending_secret"])


CODECS: dict[str, tuple[str, Callable[[Any], str], Callable[[str], Any]]] = {
    "practices": ("name", encode_practice, decode_practice),
    "users": ("username", encode_user, decode_user),
    "sessions": ("token", encode_session, decode_session),
}
