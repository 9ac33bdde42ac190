"""A refusal the driver cannot name: a step expecting a refusal it has no means to
recognise is skipped naming what is missing; one it could recognise fails."""

from __future__ import annotations

import pytest

from mfa_conformance.driver.errors import CodeRejected, MfaLocked, Refused
from mfa_conformance.steps.outcome import Outcome

NO_PATTERN = {"CodeRejected": "the profile gives no pattern for its message (refusals.CodeRejected)"}


def test_a_plain_refusal_skips_a_step_expecting_one_the_driver_cannot_recognise() -> None:
    outcome = Outcome(error=Refused("We could not verify that.", unrecognisable=NO_PATTERN), action="Erin's code")
    with pytest.raises(pytest.skip.Exception) as skipped:
        outcome.refused_as(CodeRejected)
    reason = str(skipped.value)
    assert "refusals.CodeRejected" in reason and "We could not verify that." in reason and "\n" not in reason


def test_a_plain_refusal_fails_a_step_expecting_one_the_driver_can_recognise() -> None:
    outcome = Outcome(error=Refused("We could not verify that.", unrecognisable=NO_PATTERN), action="Erin's code")
    with pytest.raises(AssertionError, match=r"refused as Refused \(We could not verify that\.\), expected MfaLocked"):
        outcome.refused_as(MfaLocked)


def test_another_named_refusal_fails_whatever_the_driver_cannot_recognise() -> None:
    outcome = Outcome(error=MfaLocked("Too many wrong codes"), action="Erin's code")
    with pytest.raises(AssertionError, match="refused as MfaLocked"):
        outcome.refused_as(CodeRejected)


def test_a_named_refusal_carries_nothing_unrecognisable() -> None:
    assert CodeRejected("x").unrecognisable == {} and str(Refused()) == "Refused"
