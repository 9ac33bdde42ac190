"""The state-seeding hooks: a device and a practice's settings set directly leave the
app exactly where the screens would (issue 19: the hooked suite stops walking the
screens of Given steps it is not about), and a bad request changes nothing."""

from __future__ import annotations

import pyotp
import pytest

from mfa_conformance.people.authenticator import KeyUri

T = 1_800_000_000.0


def _seeded(make_app):
    served = make_app()
    served.seed("Riverside", ("dana", "dana-password", True), ("erin", "erin-password", False))
    admin = served.browser()
    assert admin.hook("/clock", {"set": T}).status_code == 200
    return served, admin


def test_a_seeded_device_asks_for_its_code_at_sign_in_and_takes_it_once(make_app):
    served, admin = _seeded(make_app)
    answer = admin.hook("/devices", {"username": "erin", "device_name": "Erin's phone"})
    assert answer.status_code == 201
    key = KeyUri.parse(answer.get_json()["key_uri"])
    assert key.account == "erin" and key.secret_bits >= 128
    code = pyotp.TOTP(key._secret).at(T)
    admin.sign_in("erin", "erin-password")
    assert admin.post("/sign-in/code", {"code": code}).status_code == 303
    admin.post("/sign-out", {})
    admin.sign_in("erin", "erin-password")
    assert admin.post("/sign-in/code", {"code": code}).status_code == 422  # the step is spent, as after a walk


def test_a_second_seeded_device_is_refused_like_a_second_setup(make_app):
    _, admin = _seeded(make_app)
    assert admin.hook("/devices", {"username": "erin", "device_name": "one"}).status_code == 201
    again = admin.hook("/devices", {"username": "erin", "device_name": "two"})
    assert again.status_code == 409 and again.get_json()["refused"] == "AlreadyEnrolled"


def test_seeded_practice_settings_are_what_the_account_holder_sees(make_app):
    served, admin = _seeded(make_app)
    answer = admin.hook("/practice-settings", {"practice": "Riverside", "enforced": True,
                                               "safelist": ["203.0.113.0/24"]})
    assert answer.status_code == 200, answer.data
    assert admin.sign_in("erin", "erin-password").status_code == 403  # from outside the safelist
    inside = served.browser("203.0.113.9").sign_in("erin", "erin-password")
    assert inside.status_code == 303 and "/setup" in inside.headers["Location"]  # enforced: setup required


@pytest.mark.parametrize("path, payload, named", [
    ("/devices", {"username": "erin"}, "device_name"),
    ("/devices", {"username": "nobody", "device_name": "x"}, "nobody"),
    ("/devices", {"username": "erin", "device_name": 7}, "device_name"),
    ("/practice-settings", {"enforced": True}, "practice"),
    ("/practice-settings", {"practice": "Riverside", "enforced": "yes"}, "enforced"),
    ("/practice-settings", {"practice": "Riverside", "safelist": "203.0.113.0/24"}, "safelist"),
    ("/practice-settings", {"practice": "Riverside", "safelist": ["not an address"]}, ""),
    ("/practice-settings", {"practice": "Riverside", "safelist": ["x"] * 1001}, "safelist"),
])
def test_a_bad_state_seeding_request_is_refused_naming_it_and_changes_nothing(make_app, path, payload, named):
    served, admin = _seeded(make_app)
    answer = admin.hook(path, payload)
    assert 400 <= answer.status_code < 500 and named in answer.get_json()["message"], answer.data
    page = admin.sign_in("erin", "erin-password")
    assert page.status_code == 303 and "/setup" not in page.headers["Location"]  # neither enrolled nor enforced
