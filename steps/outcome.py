"""What the last attempted action returned, or which refusal it met."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mfa_conformance.driver.errors import CannotTell, Refused

__all__ = ["Outcome", "attempt", "expect_refusal"]


def expect_refusal(action: str, error: Refused, refusal: type[Refused]) -> Refused:
    """`error` if it is the `refusal` expected; a failure if it is another named one.

    A refusal the driver could not name (a plain `Refused`) where it has no means
    to recognise the expected one may have been it: the outcome is "cannot tell",
    with the driver's reason (the missing profile key) and the system's words.
    """
    if isinstance(error, refusal):
        return error
    why = error.unrecognisable.get(refusal.__name__) if type(error) is Refused else None
    if why is not None:
        raise CannotTell(f"whether {action} was refused as {refusal.__name__}: it was refused ({error}), but {why}")
    raise AssertionError(f"{action} was refused as {type(error).__name__} ({error}), expected {refusal.__name__}")


@dataclass
class Outcome:
    value: object = None
    error: Refused | None = None
    action: str = "nothing has been attempted"

    def succeeded(self) -> object:
        if self.error is not None:
            raise AssertionError(f"{self.action} was refused: {type(self.error).__name__}: {self.error}")
        return self.value

    def refused_as(self, refusal: type[Refused]) -> Refused:
        if self.error is None:
            raise AssertionError(f"{self.action} was expected to be refused ({refusal.__name__}) but succeeded")
        return expect_refusal(self.action, self.error, refusal)


def attempt(action: str, do: Callable[[], object]) -> Outcome:
    try:
        return Outcome(value=do(), action=action)
    except Refused as error:
        return Outcome(error=error, action=action)
