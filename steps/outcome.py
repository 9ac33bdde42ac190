"""What the last attempted action returned, or which refusal it met."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mfa_conformance.driver.errors import Refused

__all__ = ["Outcome", "attempt"]


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
        if not isinstance(self.error, refusal):
            raise AssertionError(
                f"{self.action} was refused as {type(self.error).__name__} ({self.error}), expected {refusal.__name__}"
            )
        return self.error


def attempt(action: str, do: Callable[[], object]) -> Outcome:
    try:
        return Outcome(value=do(), action=action)
    except Refused as error:
        return Outcome(error=error, action=action)
