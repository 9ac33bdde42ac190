"""What the in-process driver's screens showed: every answer of the simulator, as text.

The in-process driver has no web pages; its screens are what the simulator
answers each call (a status, the list of users, the enrollment screen with its
key for manual entry) and the message of each refusal. The security check that
the TOTP key is shown only while enrolling (SEC-07) reads them from here, as it
reads a web product's responses through the browser; so it sees whatever a
broken simulator puts on a screen, not only what the driver passes on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from enum import Enum
from typing import Any

from mfa_conformance.simulator.errors import MfaError

from .interface import Page

__all__ = ["PageLog", "Watched", "text_of"]

ADDRESS = "simulator.{}"
"""A screen's address: the simulator call that produced it."""


class PageLog:
    """The screens of one scenario, in order (appending is safe from several threads).

    Each answer is kept as the simulator gave it (a fresh view, never changed
    afterwards) and turned into text only when the pages are asked for, so a
    run that never asks (exploration, the how-to's scenarios) pays almost nothing."""

    def __init__(self) -> None:
        self._answers: list[tuple[str, object]] = []

    def append(self, call: str, answer: object) -> None:
        self._answers.append((call, answer))

    def clear(self) -> None:
        self._answers.clear()

    def pages(self) -> list[Page]:
        return [Page(ADDRESS.format(call), text_of(answer)) for call, answer in list(self._answers)]


def text_of(answer: object) -> str:
    """Every piece of text an answer holds, whatever its shape (images left out: no text)."""
    if answer is None or isinstance(answer, (bytes, bytearray)):
        return ""
    if isinstance(answer, Enum):
        return str(answer.value)
    if isinstance(answer, str):
        return answer
    if dataclasses.is_dataclass(answer) and not isinstance(answer, type):
        return "\n".join(text_of(getattr(answer, f.name)) for f in dataclasses.fields(answer))
    if isinstance(answer, dict):
        return "\n".join(f"{text_of(k)}\n{text_of(v)}" for k, v in answer.items())
    if isinstance(answer, (list, tuple, set, frozenset)):
        return "\n".join(text_of(item) for item in answer)
    return str(answer)


class Watched:
    """The simulator, with the answer to each of its public calls written to a log."""

    def __init__(self, sim: Any, log: PageLog) -> None:
        self._sim = sim
        self._log = log
        self._calls: dict[str, Callable[..., Any]] = {}

    def __getattr__(self, name: str) -> Any:
        watched = self._calls.get(name)
        if watched is not None:
            return watched
        value = getattr(self._sim, name)
        if name.startswith("_") or not callable(value):
            return value
        self._calls[name] = watched = self._watching(name, value)
        return watched

    def _watching(self, name: str, call: Callable[..., Any]) -> Callable[..., Any]:
        log = self._log

        def watched(*args: Any, **kwargs: Any) -> Any:
            try:
                answer = call(*args, **kwargs)
            except MfaError as refusal:
                log.append(name, str(refusal))
                raise
            log.append(name, answer)
            return answer

        return watched
