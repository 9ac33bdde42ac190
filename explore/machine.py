"""The stateful exploration: random sequences of the how-to's documented actions.

A Hypothesis `RuleBasedStateMachine` whose rules are the documented actions
(sign in with a right, wrong, old or reused code; self-enroll; enforce and stop
enforcing; search; view status; reset by an account holder or by support;
change the IP safelist; time passing). Each rule runs through the driver
interface only, asks `explore.model.HowTo` what should happen, and compares:
allowed or refused (with which `driver.errors` class), where the session
stands, and what User Settings show. Invariants repeat the comparison of every
open session and every user's status after each step.

This module sets up each example's world and puts the machine together: the
rules by family of documented action (`explore.rules_signing_in`,
`rules_enrollment`, `rules_security_settings`, `rules_user_settings`; time
passing is here), the acts they are made of (`explore.acts`), the checks and
invariants (`explore.checks`), and the recording of what happened
(`explore.recording`).

Every action is recorded as the suite's own Gherkin steps (`explore.trace`),
checks included, so a shrunk failing sequence replays through `mfa-conformance
run`. The explorer only takes an action when the suite's step for it would run
on a system that follows the model (e.g. no "enters the code her phone shows"
while her phone holds no key).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import datetime, timezone

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, multiple, precondition, rule

from mfa_conformance.driver import Capability, SystemUnderTest

from .clean_start import bring_to_baseline, provisioned_cast
from .actors import ACTORS, PEOPLE, PHONES, Actor, unique_cast
from .model import HowTo
from .recording import Observer, recorded
from .rules_enrollment import EnrollmentRules
from .rules_security_settings import SecuritySettingsRules
from .rules_signing_in import SigningInRules
from .rules_user_settings import UserSettingsRules
from .trace import Call, Step, Trace

__all__ = ["Exploration", "machine_for", "START_OF_DAY"]

START_OF_DAY = (9, 0, 0)
"""Clock systems start each example at 09:00:00 UTC today, as "Given it is 09:00:00 UTC" does."""
PASSING_TIME = (10, 30, 61, 120, 300)


class Exploration(SigningInRules, EnrollmentRules, SecuritySettingsRules, UserSettingsRules, RuleBasedStateMachine):
    """One example: a fresh world on the system, then rules until the step budget is spent."""

    def __init__(self) -> None:
        super().__init__()
        self.sut = type(self).system
        self.caps = self.sut.capabilities
        self.model = HowTo(type(self).positions)
        self.trace = Trace()
        self.actors: dict[str, Actor] = {}
        self.step: Step | None = None
        self._pending_call = Call("")
        self.scheduled: float | None = None
        self.failed = False
        self._keys = itertools.count(1)
        self._phones = itertools.count(1)
        type(self).observer.begin(self)
        self.sut.start_scenario("exploration")
        if Capability.CLOCK in self.caps:
            hour, minute, second = START_OF_DAY
            today = datetime.now(timezone.utc)
            self.sut.set_time(today.replace(hour=hour, minute=minute, second=second, microsecond=0))
            self.trace.capabilities.add("needs-clock")
        if Capability.SEEDING in self.caps:
            _, accounts = unique_cast()
            for display, mfa in (("Riverside Clinic", True), ("Hillside Practice", True)):
                practice = next(a.practice for a in accounts.values() if a.practice.startswith(display))
                self.sut.create_practice(practice, mfa_available=mfa)
            for account in accounts.values():
                self.sut.create_user(account.practice, account.username, account.password,
                                     account_holder=account.account_holder)
        else:  # pre-provisioned accounts, brought back to where every sequence starts
            accounts = provisioned_cast(self.sut)
            bring_to_baseline(self.sut, accounts)
        for practice in dict.fromkeys(a.practice for a in accounts.values()):
            self.model.add_practice(practice, mfa_available=True)
        for name, account in accounts.items():
            self.model.add_user(name, account.username, account.practice, holder=account.account_holder)
            self.actors[name] = Actor(name=name, account=account, system=self.sut, phone=self._new_phone(name))
        self.trace.started = self.sut.now()

    def teardown(self) -> None:
        self.sut.finish_scenario(self.failed)

    # ── The cast, as bundles ────────────────────────────────────────────────
    @initialize(target=PEOPLE)
    def introduce_the_cast(self):
        return multiple(*ACTORS)

    @initialize(target=PHONES)
    def hand_out_phones(self):
        return multiple(*(self.actors[name].phone for name in ACTORS))

    # ── Rules: time ─────────────────────────────────────────────────────────
    @precondition(lambda self: Capability.CLOCK in self.caps)
    @rule(seconds=st.sampled_from(PASSING_TIME))
    @recorded
    def time_passes(self, seconds: int) -> None:
        self._begin_step("time passes")
        text = f"{seconds // 60} minutes pass" if seconds % 60 == 0 and seconds > 60 else f"{seconds} seconds pass"
        self._act(text)
        self.sut.advance(seconds)


def machine_for(system: SystemUnderTest, observer: Observer,
                positions: Mapping[str, object] | None = None) -> type[Exploration]:
    """An `Exploration` bound to one system under test and the positions it declares
    (Hypothesis builds one machine per example)."""
    return type("Exploration", (Exploration,), {"system": system, "observer": observer,
                                                "positions": dict(positions or {})})
