"""Signing in: password, code, the stages in between, and what a session may do."""

from __future__ import annotations

import io

import pyotp
import pytest
import zxingcpp
from PIL import Image
from pytest_bdd import given, parsers, then, when

from mfa_conformance.driver import Stage
from mfa_conformance.driver import errors as refused
from mfa_conformance.requirements.positions import Declaration

from .cast import Cast
from .lockout import right_code_locked_out
from .outcome import Outcome, attempt

PRONOUN = r"(?:her|his|their)"


@given(parsers.parse("{name} has signed in"))
def _(cast: Cast, name: str) -> None:
    cast[name].sign_in_fully()


@given(parsers.re(rf"(?P<name>\w+) signs in with {PRONOUN} password"), target_fixture="outcome")
@when(parsers.re(rf"(?P<name>\w+) signs in with {PRONOUN} password"), target_fixture="outcome")
def _(cast: Cast, name: str) -> Outcome:
    return attempt(f"{name}'s sign-in", cast[name].sign_in)


@when(parsers.re(rf"(?P<name>\w+) signs in with {PRONOUN} password from (?P<address>\S+)"), target_fixture="outcome")
def _(cast: Cast, name: str, address: str) -> Outcome:
    return attempt(f"{name}'s sign-in from {address}", lambda: cast[name].sign_in(address=address))


@given(parsers.parse("{name} signs out"))
@when(parsers.parse("{name} signs out"))
def _(cast: Cast, name: str) -> None:
    cast[name].sign_out()


@when(parsers.re(rf"(?P<name>\w+) enters the code {PRONOUN} phone shows"), target_fixture="outcome")
def _(cast: Cast, name: str) -> Outcome:
    return attempt(f"{name}'s code", cast[name].enter_code)


@when(parsers.re(r"(?P<name>\w+) enters the code (?P<other>[A-Z]\w+)'s phone shows"), target_fixture="outcome")
def _(cast: Cast, name: str, other: str) -> Outcome:
    colleague, persona = cast[other], cast[name]
    return attempt(f"{name}'s code from {other}'s phone", lambda: persona.enter_code(colleague.phone.current_code()))


@when(parsers.re(rf"(?P<name>\w+) enters the code {PRONOUN} old phone shows"), target_fixture="outcome")
def _(cast: Cast, name: str) -> Outcome:
    persona = cast[name]
    assert persona.old_phone is not None, f"{name} has had no other phone"
    return attempt(f"{name}'s code from the old phone", lambda: persona.enter_code(persona.old_phone.current_code()))


@when(parsers.re(rf"(?P<name>\w+) enters a code that is not {PRONOUN} phone's"), target_fixture="outcome")
def _(cast: Cast, name: str) -> Outcome:
    persona = cast[name]
    code = persona.phone.code_at_offset(0)
    wrong = f"{(int(code) + 500_000) % 1_000_000:06d}"
    return attempt(f"{name}'s wrong code", lambda: persona.enter_code(wrong))


@given(parsers.parse("{name} has a second phone set up for another account"))
def _(cast: Cast, name: str) -> None:
    persona = cast[name]
    persona.second_phone = persona.new_phone()
    persona.second_phone.scan(foreign_qr_code())


@when(parsers.re(rf"(?P<name>\w+) enters the code {PRONOUN} second phone shows"), target_fixture="outcome")
def _(cast: Cast, name: str) -> Outcome:
    persona = cast[name]
    assert persona.second_phone is not None
    return attempt(f"{name}'s code from another authenticator",
                   lambda: persona.enter_code(persona.second_phone.current_code()))


@when(parsers.re(rf"(?P<name>\w+) enters the code {PRONOUN} phone shows (?P<offset>-?\d+) time steps from now"),
      target_fixture="outcome")
def _(cast: Cast, name: str, offset: str) -> Outcome:
    persona = cast[name]
    code = persona.phone.code_at_offset(int(offset))
    return attempt(f"{name}'s code from {offset} time steps away", lambda: persona.enter_code(code))


DRIFT_OFFSETS = {
    # where a code lies relative to the declared drift window (drift_steps): its offset in time steps
    "one time step earlier than the drift allows": lambda drift: -drift - 1,
    "as early as the drift allows": lambda drift: -drift,
    "for the current time step": lambda drift: 0,
    "as late as the drift allows": lambda drift: drift,
    "one time step later than the drift allows": lambda drift: drift + 1,
}


@when(parsers.re(rf"(?P<name>\w+) enters the code {PRONOUN} phone shows (?P<when>"
                 + "|".join(DRIFT_OFFSETS) + ")$"), target_fixture="outcome")
def _(cast: Cast, positions: Declaration, name: str, when: str) -> Outcome:
    persona = cast[name]
    offset = DRIFT_OFFSETS[when](int(positions["drift_steps"]))
    code = persona.phone.code_at_offset(offset)
    return attempt(f"{name}'s code from {offset} time steps away", lambda: persona.enter_code(code))


@when(parsers.re(rf"(?P<name>\w+) notes the code {PRONOUN} phone shows"))
def _(cast: Cast, name: str) -> None:
    persona = cast[name]
    persona.noted_code = persona.phone.code_at_offset(0)


@when(parsers.parse("{name} enters the noted code"), target_fixture="outcome")
def _(cast: Cast, name: str) -> Outcome:
    persona = cast[name]
    assert persona.noted_code is not None, f"{name} has noted no code"
    return attempt(f"{name}'s noted code", lambda: persona.enter_code(persona.noted_code))


@when(parsers.re(rf"(?P<name>\w+) enters the code (?:she|he|they) last used"), target_fixture="outcome")
def _(cast: Cast, name: str) -> Outcome:
    persona = cast[name]
    assert persona.last_code is not None, f"{name} has used no code"
    return attempt(f"{name}'s reused code", lambda: persona.enter_code(persona.last_code))


@then(parsers.re(rf"(?P<name>\w+) is asked for a code from {PRONOUN} authenticator"))
def _(cast: Cast, outcome: Outcome, name: str) -> None:
    outcome.succeeded()
    session = cast[name].session
    assert session is not None
    assert session.stage is Stage.CODE_REQUIRED, f"{name} is at '{session.stage.value}', not asked for a code"


@then(parsers.re(rf"(?P<name>\w+) is asked for a code from {PRONOUN} authenticator the next time (?:she|he|they) signs in"))
def _(cast: Cast, name: str) -> None:
    persona = cast[name]
    persona.sign_out()
    session = persona.sign_in()
    assert session.stage is Stage.CODE_REQUIRED, f"{name} is at '{session.stage.value}', not asked for a code"


@then(parsers.re(r"(?P<name>\w+) signs in without being asked for a code"))
def _(cast: Cast, name: str) -> None:
    persona = cast[name]
    persona.sign_out()
    session = persona.sign_in()
    assert session.stage is Stage.SIGNED_IN, f"{name} is at '{session.stage.value}', not signed in"


@then(parsers.re(r"(?P<name>\w+) signs in afresh without being asked for a code"))
def _(cast: Cast, name: str) -> None:
    """A new sign-in, leaving aside a session that a reset may or may not have ended."""
    persona = cast[name]
    persona.session = None
    session = persona.sign_in()
    assert session.stage is Stage.SIGNED_IN, f"{name} is at '{session.stage.value}', not signed in"


@then(parsers.re(r"(?P<name>\w+) is asked to set up MFA before (?:she|he|they) can continue"))
def _(cast: Cast, outcome: Outcome, name: str) -> None:
    outcome.succeeded()
    session = cast[name].session
    assert session is not None
    assert session.stage is Stage.SETUP_REQUIRED, f"{name} is at '{session.stage.value}', not at the setup screen"
    with pytest.raises(refused.SetupRequired):
        session.enter_application()


@then(parsers.parse("{name} cannot use the product yet"))
def _(cast: Cast, outcome: Outcome, name: str) -> None:
    session = cast[name].session
    assert session is not None
    try:
        session.enter_application()
    except (refused.CodeRequired, refused.SetupRequired):
        return
    except refused.SessionEnded:
        return  # the product shows its sign-in page again: she cannot use it either (a locked code entry,
        # or a product whose code prompt is no page of its own and starts over)
    raise AssertionError(f"{name} could use the product before finishing sign-in")


@then(parsers.parse("{name} is signed in"))
def _(cast: Cast, outcome: Outcome, name: str) -> None:
    outcome.succeeded()
    session = cast[name].session
    assert session is not None
    assert session.stage is Stage.SIGNED_IN, f"{name} is at '{session.stage.value}', not signed in"
    session.enter_application()


@then(parsers.parse("{name} can still use the product"))
def _(cast: Cast, name: str) -> None:
    session = cast[name].session
    assert session is not None
    session.enter_application()


@then(parsers.re(r"(?P<name>\w+)'s session has ended"))
def _(cast: Cast, name: str) -> None:
    session = cast[name].session
    assert session is not None
    with pytest.raises(refused.SessionEnded):
        session.enter_application()


@then(parsers.re(rf"(?P<name>\w+) is refused because of {PRONOUN} address"))
def _(outcome: Outcome, positions: Declaration) -> None:
    """Told so (AddressNotAllowed), or, where the system declares safelist_refusal = like-wrong-password,
    answered as a wrong password; that its words are exactly a wrong password's is SEC-14's to check."""
    if positions["safelist_refusal"] == "like-wrong-password":
        outcome.refused_as(refused.WrongCredentials)
    else:
        outcome.refused_as(refused.AddressNotAllowed)


@then(parsers.re(rf"(?P<name>\w+) cannot sign in even with the code {PRONOUN} phone shows"))
def _(cast: Cast, name: str) -> None:
    if not right_code_locked_out(cast[name], f"{name}'s sign-in while locked"):
        raise AssertionError(f"{name} signed in with the right code while locked")


def foreign_qr_code() -> bytes:
    """A QR code for an account on some other service: a key the system never issued."""
    uri = pyotp.TOTP(pyotp.random_base32()).provisioning_uri(name="erin@elsewhere.example", issuer_name="Elsewhere")
    drawn = memoryview(zxingcpp.create_barcode(uri, zxingcpp.BarcodeFormat.QRCode).to_image(scale=5))
    buffer = io.BytesIO()
    Image.frombuffer("L", (drawn.shape[1], drawn.shape[0]), drawn.tobytes(), "raw", "L", 0, 1).save(buffer, format="PNG")
    return buffer.getvalue()

