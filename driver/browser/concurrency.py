"""Codes sent from several browsers at the same moment, so that they race at the server.

Playwright's sync API drives every browser from one thread, so each session
cannot submit from a thread of its own, and clicking one after another would
let the server finish each before the next arrives. Instead each session's
code prompt is filled in and then armed: a timer inside its page presses the
prompt's submit control at one moment shortly ahead, the same for all pages
(every page reads the same system clock). The requests leave the browsers
together, each with its own cookies and form token, and the server handles
them at once, as many as it has threads for; only then does the driver wait
for each page to land and read where it stands.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import ExitStack
from typing import Protocol

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from mfa_conformance.driver import Session, Stage
from mfa_conformance.driver.errors import Refused
from mfa_conformance.driver.interface import CodeAnswer

from .pages.base import Element, ElementMissing, locate
from .profile import Profile

__all__ = ["submit_codes_at_once", "ARM_AHEAD_MS"]

ARM_AHEAD_MS = 400
"""How far ahead the moment is set, plus PER_PAGE_MS for each page to arm: every timer is set before it fires."""
PER_PAGE_MS = 150

_ARM_JS = "(control, at) => { setTimeout(() => control.click(), Math.max(0, at - Date.now())); }"


class RacingSession(Protocol):
    """What a browser session offers for this (session.BrowserSession)."""

    def code_prompt(self) -> Page | None: ...

    def landed(self) -> Stage: ...

    @property
    def stage(self) -> Stage: ...


class RaceHost(Protocol):
    profile: Profile

    def changed(self) -> None: ...


def _answer(read: Callable[[], Stage]) -> CodeAnswer:
    try:
        return read()
    except Refused as refusal:
        return refusal


def submit_codes_at_once(system: RaceHost, attempts: Sequence[tuple[Session, str]]) -> list[CodeAnswer]:
    profile, timeout = system.profile, system.profile.timeout_ms
    answers: list[CodeAnswer | None] = [None] * len(attempts)
    armed: list[tuple[int, RacingSession, Page]] = []
    for index, (session, code) in enumerate(attempts):
        racer: RacingSession = session  # type: ignore[assignment]
        page = racer.code_prompt()
        if page is None:  # not waiting for a code: nothing to send, it stands where it stands
            answers[index] = _answer(lambda: racer.stage)
            continue
        Element.of(page, profile.code_prompt.code, timeout).fill(code)
        armed.append((index, racer, page))
    if armed:
        system.changed()
        at = armed[0][2].evaluate("Date.now()") + ARM_AHEAD_MS + PER_PAGE_MS * len(armed)
        try:
            with ExitStack() as landing:
                for _, _, page in armed:
                    landing.enter_context(page.expect_navigation(
                        wait_until="domcontentloaded", timeout=timeout * 2 + ARM_AHEAD_MS + PER_PAGE_MS * len(armed)))
                for _, _, page in armed:
                    locate(page, profile.code_prompt.submit).first.evaluate(_ARM_JS, at)
        except PlaywrightTimeout:
            raise ElementMissing("a code prompt sent at once did not load a new page") from None
        for index, racer, _ in armed:
            answers[index] = _answer(racer.landed)
    return [answer for answer in answers if answer is not None]
