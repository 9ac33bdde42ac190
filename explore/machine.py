"""The stateful exploration: random sequences of the how-to's documented actions.

A Hypothesis `RuleBasedStateMachine` whose rules are the documented actions
(sign in with a right, wrong, old or reused code; self-enroll; enforce and stop
enforcing; search; view status; reset by an account holder or by support;
change the IP safelist; time passing). Each rule runs through the driver
interface only, asks `explore.model.HowTo` what should happen, and compares:
allowed or refused (with which `driver.errors` class), where the session
stands, and what User Settings show. Invariants repeat the comparison of every
open session and every user's status after each step.

Every action is recorded as the suite's own Gherkin steps (`explore.trace`),
checks included, so a shrunk failing sequence replays through `mfa-conformance
run`. The explorer only takes an action when the suite's step for it would run
on a system that follows the model (e.g. no "enters the code her phone shows"
while her phone holds no key).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from datetime import datetime, timezone
from typing import ClassVar, TypeVar

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, multiple, precondition, rule

from mfa_conformance.driver import Capability, Stage, SystemUnderTest, UserStatus
from mfa_conformance.driver import errors as refused
from mfa_conformance.driver.errors import CapabilityMissing, Refused, SystemUnreachable
from mfa_conformance.authenticator import UnreadableQrCode

from .actors import ACTORS, Actor, Phone, phone_for, unique_cast
from .model import HowTo, Prediction
from .model_state import Code, Standing
from .trace import Act, Discrepancy, Line, Step, Trace

__all__ = ["Exploration", "Observer", "machine_for", "START_OF_DAY", "OFFICE", "ELSEWHERE"]

T = TypeVar("T")

START_OF_DAY = (9, 0, 0)
"""Clock systems start each example at 09:00:00 UTC today, as "Given it is 09:00:00 UTC" does."""
OFFICE_RANGE = "203.0.113.0/24"
OFFICE = "203.0.113.25"
ELSEWHERE = "198.51.100.7"
SAFELISTS: tuple[tuple[str, ...], ...] = ((), (OFFICE_RANGE,), ("198.51.100.0/24",))
INVALID_ENTRIES = ("203.0.113.300", "office network", "10.0.0.1/24")
PASSING_TIME = (10, 30, 61, 120, 300)
SEARCH_FORMS: dict[str, Callable[[str], str]] = {
    "in full": lambda u: u,
    "without its last letter": lambda u: u[:-1],
    "without its first letter": lambda u: u[1:],
    "with a letter added": lambda u: u + "x",
    "in upper case": lambda u: u.upper(),
}
CODE_KINDS = ("wrong", "reused", "-2", "-1", "1", "2")

_STAGE_OF = {Standing.CODE_REQUIRED: Stage.CODE_REQUIRED, Standing.SETUP_REQUIRED: Stage.SETUP_REQUIRED,
             Standing.SIGNED_IN: Stage.SIGNED_IN}


def recorded(rule_function: Callable[..., T]) -> Callable[..., T]:
    """Remember which rule ran with which arguments, so `explore.shrinking` can replay a sequence."""

    @functools.wraps(rule_function)
    def run(self: Exploration, **arguments: object) -> T:
        self._pending_call = (rule_function.__name__, arguments)
        return rule_function(self, **arguments)

    return run


class Observer:
    """What the explorer learns across examples: the latest machine, counts, the first failure."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.started = clock()
        self.latest: Exploration | None = None
        self.examples = 0
        self.actions = 0
        self.rules = 0
        self.first_failure: tuple[int, float] | None = None
        """(examples run, seconds) when a discrepancy was first seen."""
        self.replays = 0
        """Sequences replayed while shrinking a counterexample."""
        self.shrinking = False

    def begin(self, machine: Exploration) -> None:
        self.latest = machine
        if self.shrinking:
            self.replays += 1
        else:
            self.examples += 1

    def failed(self) -> None:
        if self.first_failure is None and not self.shrinking:
            self.first_failure = (self.examples, self._clock() - self.started)


class Exploration(RuleBasedStateMachine):
    """One example: a fresh world on the system, then rules until the step budget is spent."""

    system: ClassVar[SystemUnderTest]
    observer: ClassVar[Observer]

    people = Bundle("people")
    phones = Bundle("phones")

    def __init__(self) -> None:
        super().__init__()
        self.sut = type(self).system
        self.caps = self.sut.capabilities
        self.model = HowTo()
        self.trace = Trace()
        self.actors: dict[str, Actor] = {}
        self.step: Step | None = None
        self._pending_call: tuple[str, dict[str, object]] = ("", {})
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
        _, accounts = unique_cast()
        for display, mfa in (("Riverside Clinic", True), ("Hillside Practice", True)):
            practice = next(a.practice for a in accounts.values() if a.practice.startswith(display))
            self.sut.create_practice(practice, mfa_available=mfa)
            self.model.add_practice(practice, mfa_available=mfa)
        for name, account in accounts.items():
            self.sut.create_user(account.practice, account.username, account.password,
                                 account_holder=account.account_holder)
            self.model.add_user(name, account.username, account.practice, holder=account.account_holder)
            self.actors[name] = Actor(name=name, account=account, system=self.sut, phone=self._new_phone(name))

    def teardown(self) -> None:
        self.sut.finish_scenario(self.failed)

    def check_every_invariant(self) -> None:
        """What Hypothesis does after each step; `explore.shrinking` replays sequences without it."""
        self.sessions_stand_where_the_model_says()
        self.user_settings_show_what_the_model_says()

    # ── The cast, as bundles ────────────────────────────────────────────────
    @initialize(target=people)
    def introduce_the_cast(self):
        return multiple(*ACTORS)

    @initialize(target=phones)
    def hand_out_phones(self):
        return multiple(*(self.actors[name].phone for name in ACTORS))

    # ── Rules: signing in ───────────────────────────────────────────────────
    @rule(who=people, elsewhere=st.booleans())
    @recorded
    def sign_in(self, who: str, elsewhere: bool) -> None:
        """Where the practice has a safelist: from the office, or from an address outside it."""
        if not self.model.safelist_of(who):
            address = None
        elif Capability.CLIENT_ADDRESS in self.caps:
            address = ELSEWHERE if elsewhere else OFFICE
        else:
            return  # the model cannot tell whether the system's own address is safelisted
        self._begin_step("sign in")
        self._sign_in(self.actors[who], address)

    @precondition(lambda self: bool(self._waiting_for_code(need_phone=True)))
    @rule(who=people, kind=st.sampled_from(CODE_KINDS))
    @recorded
    def enter_code(self, who: str, kind: str) -> None:
        """A wrong code, the code last used, or a code some time steps away."""
        actor = self.actors[who]
        if (actor not in self._waiting_for_code(need_phone=True)
                or (kind == "reused" and actor.last_code is None)
                or (kind not in ("wrong", "reused") and Capability.CLOCK not in self.caps)):
            return
        self._begin_step("enter a code")
        if kind == "wrong":
            text, code = actor.wrong_code()
            when = f"{actor.name} enters a code that is not {actor.possessive} phone's"
        elif kind == "reused":
            assert actor.last_code is not None
            text, code = actor.last_code
            when = f"{actor.name} enters the code {actor.subject} last used"
        else:
            text, code = actor.code_at_offset(int(kind))
            when = f"{actor.name} enters the code {actor.possessive} phone shows {kind} time steps from now"
        self._submit(actor, when, text, code)

    @precondition(lambda self: bool(self._waiting_for_code(need_phone=False)))
    @rule(phone=phones)
    def enter_code_from_phone(self, phone: Phone) -> None:
        """A code from a phone: the owner's current phone (right) or the one before it (old)."""
        actor = self.actors[phone.owner]
        role = "phone" if phone is actor.phone else "old phone" if phone is actor.old_phone else None
        if role is not None:
            self.code_from_phone(owner=phone.owner, role=role)

    @recorded
    def code_from_phone(self, owner: str, role: str) -> None:
        actor = self.actors[owner]
        phone = actor.phone if role == "phone" else actor.old_phone
        if self.model.standing(owner) is not Standing.CODE_REQUIRED or phone is None or phone.key is None:
            return
        self._begin_step(f"enter the code the {role} shows")
        text, code = actor.code() if role == "phone" else actor.old_phone_code()
        self._submit(actor, f"{actor.name} enters the code {actor.possessive} {role} shows", text, code)

    @precondition(lambda self: bool(self._may_sign_in_for_wrong_codes()))
    @rule(who=people, count=st.sampled_from((1, 2, 4, 5, 5)))
    @recorded
    def sign_in_with_wrong_codes(self, who: str, count: int) -> None:
        actor = self.actors[who]
        if actor not in self._may_sign_in_for_wrong_codes():
            return
        step = self._begin_step("sign in and enter wrong codes")
        as_the_step_expects = self._sign_in(actor, None).value is Standing.CODE_REQUIRED
        for n in range(1, count + 1):
            if not as_the_step_expects:
                return
            text, code = actor.wrong_code()
            last = self._submit(actor, f"{actor.name} enters a code that is not {actor.possessive} phone's", text, code)
            if last.refusal is not refused.CodeRejected and n < count:
                as_the_step_expects = False
        if as_the_step_expects:
            step.compact = [Line("When", f"{actor.name} signs in and enters {count} wrong codes in a row"),
                            *step.acts[-1].then]

    @precondition(lambda self: bool(self._with_open_session()))
    @rule(who=people)
    @recorded
    def sign_out(self, who: str) -> None:
        actor = self.actors[who]
        if actor not in self._with_open_session():
            return
        self._begin_step("sign out")
        self._act(f"{actor.name} signs out")
        self.model.sign_out(actor.name)
        session = actor.session
        assert session is not None
        _, error = self._call(session.sign_out)
        if error is not None:
            self._fail(f"{actor.name} signing out: refused as {type(error).__name__}", [], frozenset({"REC-20"}))
        actor.session = None

    # ── Rules: self-enrollment ──────────────────────────────────────────────
    @precondition(lambda self: bool(self._may_enroll() or self._enrolled_and_signed_in()))
    @rule(target=phones, who=people, variant=st.sampled_from(("right", "right", "wrong", "no name")),
          new_phone=st.booleans())
    @recorded
    def self_enroll(self, who: str, variant: str, new_phone: bool):
        actor = self.actors[who]
        if actor in self._enrolled_and_signed_in():
            self._open_setup_when_enrolled(actor)
            return multiple()
        if actor not in self._may_enroll():
            return multiple()
        new_phone = new_phone and actor.phone.key is not None
        self._begin_step("self-enroll")
        self._scan(actor, new_phone=new_phone)
        self._save(actor, variant, actor.next_device_name())
        return actor.phone if new_phone else multiple()

    # ── Rules: Practice Security Settings ───────────────────────────────────
    @precondition(lambda self: bool(self._may_act_signed_in()))
    @rule(who=people, on=st.booleans())
    @recorded
    def enforce(self, who: str, on: bool) -> None:
        actor = self.actors[who]
        if actor not in self._may_act_signed_in():
            return
        holder = self.model.is_holder(actor.name)
        self._begin_step("enforce" if on or not holder else "stop enforcing")

        def action() -> Act:
            if not holder:
                act = self._act(f"{actor.name} tries to enforce MFA for all users")
                predicted = self.model.set_enforcement(actor.name, True)
                _, error = self._call(lambda: self._session(actor).set_enforcement(True))
                self._expect_refusal(actor, predicted, error, "enforcing MFA")
                return act
            act = self._act(f"{actor.name} {'enforces' if on else 'stops enforcing'} MFA for all users")
            predicted = self.model.set_enforcement(actor.name, on)
            _, error = self._call(lambda: self._session(actor).set_enforcement(on))
            if error is not None:
                self._fail(f"{actor.name} {'enforcing' if on else 'no longer enforcing'} MFA: the model "
                           f"predicted it allowed, the system refused it ({type(error).__name__})", [],
                           predicted.rests_on)
            shown = self.model.enforcement(actor.name)
            shows = "enforced for all users" if on else "not enforced"
            then = Line("Then", f"Practice Security Settings show MFA {shows}")
            value, error = self._call(lambda: self._session(actor).enforcement())
            if error is not None or value is not shown.value:
                self._fail(f"Practice Security Settings show enforcement {self._said(value, error)} after "
                           f"{actor.name} {'enforced' if on else 'stopped enforcing'} MFA", [then], shown.rests_on)
            act.then.append(then)
            act.rests_on = predicted.rests_on
            return act

        self._signed_in_then(actor, action)

    @precondition(lambda self: bool(self._may_act_signed_in()))
    @rule(who=people, choice=st.sampled_from((*INVALID_ENTRIES, *SAFELISTS)))
    @recorded
    def change_safelist(self, who: str, choice: tuple[str, ...] | str) -> None:
        """An invalid entry, an empty safelist, or (with client addresses) a restrictive one."""
        actor = self.actors[who]
        if actor not in self._may_act_signed_in() or (choice and isinstance(choice, tuple)
                                                       and Capability.CLIENT_ADDRESS not in self.caps):
            return
        holder = self.model.is_holder(actor.name)
        self._begin_step("change the IP safelist")

        def action() -> Act:
            if not holder:
                act = self._act(f"{actor.name} tries to save the IP safelist \"198.51.100.0/24\"")
                predicted = self.model.set_safelist(actor.name, ["198.51.100.0/24"])
                _, error = self._call(lambda: self._session(actor).set_safelist(["198.51.100.0/24"]))
                self._expect_refusal(actor, predicted, error, "saving the IP safelist")
                return act
            if isinstance(choice, str):
                before = self.model.safelist(actor.name).value
                entries = ["198.51.100.0/24", choice]
                act = self._act(f"{actor.name} saves the IP safelist \"198.51.100.0/24\" with the entry \"{choice}\"")
            else:
                entries = list(choice)
                table = (("entry",), *((entry,) for entry in entries))
                act = self._act(Line("When", f"{actor.name} saves the IP safelist:", table))
            predicted = self.model.set_safelist(actor.name, entries)
            _, error = self._call(lambda: self._session(actor).set_safelist(entries))
            if predicted.refusal is not None:
                told = Line("Then", f"{actor.subject} is told that \"{choice}\" is not a valid safelist entry")
                if not isinstance(error, refused.InvalidSafelistEntry) or str(choice) not in str(error):
                    self._fail(f"saving the IP safelist with the entry {choice!r}: the model predicted "
                               f"InvalidSafelistEntry naming it, the system {self._said(None, error)}",
                               [told], predicted.rests_on)
                act.then.append(told)
                unchanged = (Line("Then", f"the IP safelist still holds only \"{before[0]}\"") if before
                             else Line("Then", "the IP safelist is still empty"))
                shown, error = self._call(lambda: self._session(actor).safelist())
                if error is not None or _networks(shown) != _networks(before):
                    self._fail(f"after a refused safelist the IP safelist holds {self._said(shown, error)}, "
                               f"not {list(before)}", [unchanged], predicted.rests_on)
                act.then.append(unchanged)
            else:
                then = Line("Then", "the IP safelist holds exactly those entries")
                shown, shown_error = self._call(lambda: self._session(actor).safelist())
                if error is not None or shown_error is not None or _networks(shown) != _networks(entries):
                    self._fail(f"saving the IP safelist {entries}: the system "
                               f"{self._said(None, error) if error else 'shows ' + self._said(shown, shown_error)}",
                               [then], predicted.rests_on)
                act.then.append(then)
            act.rests_on = predicted.rests_on
            return act

        self._signed_in_then(actor, action)

    # ── Rules: User Settings ────────────────────────────────────────────────
    @precondition(lambda self: bool(self._may_act_signed_in()))
    @rule(who=people)
    @recorded
    def view_statuses(self, who: str) -> None:
        actor = self.actors[who]
        if actor not in self._may_act_signed_in():
            return
        self._begin_step("view MFA status")

        def action() -> Act:
            holder = self.model.is_holder(actor.name)
            act = self._act(f"{actor.name} {'opens' if holder else 'tries to open'} User Settings")
            predicted = self.model.user_statuses(actor.name)
            listed, error = self._call(lambda: self._session(actor).user_statuses())
            if predicted.refusal is not None:
                self._expect_refusal(actor, predicted, error, "opening User Settings")
                return act
            rows = predicted.value
            assert isinstance(rows, list)
            table = (("user", "MFA status"),
                     *((row.persona, "enrolled" if row.enrolled else "not enrolled") for row in rows))
            then = Line("Then", f"{actor.subject} sees these users with their MFA status:", table)
            shown = {s.username: s for s in listed} if error is None else {}
            for row in rows:
                status = shown.get(row.username)
                if status is None or status.enrolled is not row.enrolled:
                    self._fail(f"User Settings show {row.persona} as {self._status_said(status, error)}, the model "
                               f"predicted {'enrolled' if row.enrolled else 'not enrolled'}",
                               [then], self.model.status_rests_on(row.persona) | predicted.rests_on)
            act.then.append(then)
            act.rests_on = predicted.rests_on
            return act

        self._signed_in_then(actor, action)

    @precondition(lambda self: bool(self._may_act_signed_in()))
    @rule(who=people, target_person=st.one_of(people, st.just("Olga")), form=st.sampled_from(list(SEARCH_FORMS)))
    @recorded
    def search(self, who: str, target_person: str, form: str) -> None:
        actor = self.actors[who]
        if actor not in self._may_act_signed_in():
            return
        self._begin_step("search User Settings")

        def action() -> Act:
            act = self._act(f"{actor.name} searches User Settings for {target_person}'s username {form}")
            query = SEARCH_FORMS[form](self.model.username(target_person))
            predicted = self.model.find_user(actor.name, query)
            found, error = self._call(lambda: self._session(actor).find_user(query))
            if predicted.refusal is not None:
                self._expect_refusal(actor, predicted, error, "searching User Settings")
                return act
            expected = predicted.value
            then = Line("Then", f"the search finds {expected or 'nobody'}")
            if expected is None:
                ok = error is None and found is None
            else:
                ok = (error is None and isinstance(found, UserStatus)
                      and found.username == self.model.username(str(expected)))
            if not ok:
                self._fail(f"searching for {target_person}'s username {form}: the model predicted "
                           f"{expected or 'nobody'}, the system found "
                           f"{self._said(getattr(found, 'username', found), error)}", [then], predicted.rests_on)
            act.then.append(then)
            act.rests_on = predicted.rests_on
            return act

        self._signed_in_then(actor, action)

    @precondition(lambda self: bool(self._may_act_signed_in()))
    @rule(who=people, target_person=people)
    @recorded
    def reset(self, who: str, target_person: str) -> None:
        actor = self.actors[who]
        if actor not in self._may_act_signed_in():
            return
        self._begin_step("reset MFA")

        def action() -> Act:
            act = self._act(f"{actor.name} resets {target_person}'s MFA")
            predicted = self.model.reset(actor.name, target_person)
            username = self.model.username(target_person)
            _, error = self._call(lambda: self._session(actor).reset_mfa(username))
            if predicted.refusal is not None:
                self._expect_refusal(actor, predicted, error, f"resetting {target_person}'s MFA")
                return act
            self._expect_reset_done(target_person, error, predicted)
            act.rests_on = predicted.rests_on
            return act

        self._signed_in_then(actor, action)

    @precondition(lambda self: Capability.SUPPORT_CONSOLE in self.caps)
    @rule(target_person=people)
    @recorded
    def support_reset(self, target_person: str) -> None:
        step = self._begin_step("vendor support resets MFA")
        step.capabilities.add("needs-support-console")
        self._act(f"vendor support resets {target_person}'s MFA")
        predicted = self.model.support_reset(target_person)
        username = self.model.username(target_person)
        _, error = self._call(lambda: self.sut.support_reset_mfa(username))
        self._expect_reset_done(target_person, error, predicted)

    # ── Rules: time ─────────────────────────────────────────────────────────
    @precondition(lambda self: Capability.CLOCK in self.caps)
    @rule(seconds=st.sampled_from(PASSING_TIME))
    @recorded
    def time_passes(self, seconds: int) -> None:
        self._begin_step("time passes")
        text = f"{seconds // 60} minutes pass" if seconds % 60 == 0 and seconds > 60 else f"{seconds} seconds pass"
        self._act(text)
        self.sut.advance(seconds)

    # ── Invariants ──────────────────────────────────────────────────────────
    @invariant()
    def sessions_stand_where_the_model_says(self) -> None:
        for actor in self.actors.values():
            session = actor.session
            standing = self.model.standing(actor.name)
            if session is None or standing is None or standing is Standing.LOCKED_OUT:
                continue
            predicted = self.model.enter_application(actor.name)
            _, error = self._call(session.enter_application)
            then = {
                Standing.SIGNED_IN: f"{actor.name} can still use the product",
                Standing.CODE_REQUIRED: f"{actor.name} cannot use the product until {actor.subject} enters a code",
                Standing.SETUP_REQUIRED: f"{actor.name} cannot use the product until {actor.subject} sets up MFA",
                Standing.ENDED: f"{actor.name}'s session has ended",
            }[standing]
            if not _matches(predicted, error):
                self._fail(f"{actor.name}'s session: the model predicted it {standing.value}, "
                           f"the system {self._said('lets them use the product', error)}",
                           [Line("Then", then)], predicted.rests_on, in_step=False)

    @invariant()
    def user_settings_show_what_the_model_says(self) -> None:
        holder = self.actors["Dana"]
        if self.model.standing(holder.name) is not Standing.SIGNED_IN or holder.session is None:
            return
        predicted = self.model.user_statuses(holder.name)
        listed, error = self._call(holder.session.user_statuses)
        shown = {s.username: s for s in listed} if error is None else {}
        for row in predicted.value:  # type: ignore[union-attr]
            status = shown.get(row.username)
            if status is not None and status.enrolled is row.enrolled and status.device_name == row.device_name:
                continue
            expected = f"enrolled with \"{row.device_name}\"" if row.enrolled else "not enrolled"
            then = Line("Then", f"{row.persona}'s MFA status in User Settings is {expected}")
            self._fail(f"User Settings show {row.persona} as {self._status_said(status, error)}, the model "
                       f"predicted {expected}", [then], self.model.status_rests_on(row.persona), in_step=False)

    # ── Acts: one documented action each, checked as its steps check it ────
    def _open_setup_when_enrolled(self, actor: Actor) -> None:
        """ENR-20: an enrolled user is not offered a second device."""
        self._begin_step("open the MFA Configuration page")
        self._act(f"{actor.name} opens the authenticator setup from {actor.possessive} profile's security settings")
        predicted = self.model.open_setup(actor.name, next(self._keys))
        session = actor.session
        assert session is not None
        _, error = self._call(lambda: session.open_mfa_configuration(None))
        self._expect_refusal(actor, predicted, error, "opening the MFA Configuration page")

    def _sign_in(self, actor: Actor, address: str | None) -> Prediction:
        text = f"{actor.name} signs in with {actor.possessive} password" + (f" from {address}" if address else "")
        if address is not None:
            assert self.step is not None
            self.step.capabilities.add("needs-client-address")
        act = self._act(text)
        predicted = self.model.sign_in(actor.name, address)
        act.rests_on = predicted.rests_on
        session, error = self._call(lambda: self.sut.sign_in(actor.account.username, actor.account.password,
                                                             address=address))
        if predicted.refusal is not None:
            then = {refused.MfaLocked: f"{actor.name} is told that {actor.possessive} code entry is locked",
                    refused.AddressNotAllowed: f"{actor.name} is refused because of {actor.possessive} address"}
            line = Line("Then", then[predicted.refusal])
            if not isinstance(error, predicted.refusal):
                self._fail(f"{text}: the model predicted {predicted.describe()}, the system "
                           f"{self._said(self._stage_of(session), error)}", [line], predicted.rests_on)
            act.then.append(line)
            return predicted
        standing = predicted.value
        assert isinstance(standing, Standing)
        line = Line("Then", {
            Standing.CODE_REQUIRED: f"{actor.name} is asked for a code from {actor.possessive} authenticator",
            Standing.SETUP_REQUIRED: f"{actor.name} is asked to set up MFA before {actor.subject} can continue",
            Standing.SIGNED_IN: f"{actor.name} is signed in",
        }[standing])
        if error is not None:
            self._fail(f"{text}: the model predicted {predicted.describe()}, the system refused it "
                       f"({type(error).__name__})", [line], predicted.rests_on)
        actor.session = session
        self._expect_stage(actor, standing, line, f"{text}: the model predicted {predicted.describe()}",
                           predicted.rests_on)
        act.then.append(line)
        return predicted

    def _submit(self, actor: Actor, when: str, text: str, code: Code) -> Prediction:
        act = self._act(when)
        predicted = self.model.submit_code(actor.name, code, self.sut.now())
        act.rests_on = predicted.rests_on
        session = self._session(actor)
        _, error = self._call(lambda: session.submit_code(text))
        if predicted.allowed:
            line = Line("Then", f"{actor.name} is signed in")
            if error is not None:
                self._fail(f"{when}: the model predicted the code accepted, the system refused it "
                           f"({type(error).__name__})", [line], predicted.rests_on)
            self._expect_stage(actor, Standing.SIGNED_IN, line, f"{when}: the model predicted the code accepted",
                               predicted.rests_on)
        else:
            line = Line("Then", "the code is refused" if predicted.refusal is refused.CodeRejected
                        else f"{actor.name} is told that {actor.possessive} code entry is locked")
            if not _matches(predicted, error):
                self._fail(f"{when}: the model predicted {predicted.describe()}, the system "
                           f"{self._said('accepted it', error)}", [line], predicted.rests_on)
        act.then.append(line)
        return predicted

    def _scan(self, actor: Actor, *, new_phone: bool) -> None:
        self._act(f"{actor.name} scans the QR code with {actor.possessive} {'new phone' if new_phone else 'phone'}")
        if new_phone:
            actor.old_phone, actor.phone = actor.phone, self._new_phone(actor.name)
        key = next(self._keys)
        predicted = self.model.open_setup(actor.name, key)
        screen, error = self._call(lambda: self._session(actor).open_mfa_configuration(None))
        if error is not None or not predicted.allowed:
            self._fail(f"{actor.name} opening the MFA Configuration page: the model predicted "
                       f"{predicted.describe()}, the system {self._said('showed a QR code', error)}", [],
                       predicted.rests_on)
        try:
            actor.phone.app.scan(screen.qr_png)
        except UnreadableQrCode as unreadable:
            self._fail(f"{actor.name}'s phone cannot read the QR code: {unreadable}", [], frozenset({"SGN-02"}))
        actor.phone.key = key

    def _save(self, actor: Actor, variant: str, device: str) -> Prediction:
        setup = self.model.standing(actor.name) is Standing.SETUP_REQUIRED
        p = actor.possessive
        if variant == "wrong":
            text, code = actor.wrong_code()
            act = self._act(f"{actor.name} saves the device as \"{device}\" with a code that is not {p} phone's")
        else:
            text, code = actor.code()
            act = self._act(f"{actor.name} saves the device with no name and the code {p} phone shows"
                            if variant == "no name" else
                            f"{actor.name} saves the device as \"{device}\" with the code {p} phone shows")
        name = "" if variant == "no name" else device
        predicted = self.model.save_device(actor.name, code, name, self.sut.now())
        act.rests_on = predicted.rests_on
        session = self._session(actor)
        _, error = self._call(lambda: session.save_device(text, name))
        if predicted.allowed:
            line = Line("Then", f"{actor.name} is signed in" if setup else "the code is accepted")
            if error is not None:
                self._fail(f"{actor.name} saving the device: the model predicted it saved, the system refused it "
                           f"({type(error).__name__})", [line], predicted.rests_on)
            if setup:
                self._expect_stage(actor, Standing.SIGNED_IN, line, "after the forced setup the model predicted "
                                   f"{actor.name} signed in", predicted.rests_on)
            actor.devices_saved += 1
        else:
            line = Line("Then", {
                refused.CodeRejected: "the code is refused",
                refused.DeviceNameRequired: f"{actor.name} is told that the device needs a name",
                refused.AlreadyEnrolled: f"{actor.name} is told that {actor.subject} already has an MFA device",
            }[predicted.refusal])  # type: ignore[index]
            if not _matches(predicted, error):
                self._fail(f"{actor.name} saving the device: the model predicted {predicted.describe()}, the "
                           f"system {self._said('saved it', error)}", [line], predicted.rests_on)
        act.then.append(line)
        return predicted

    def _signed_in_then(self, actor: Actor, action: Callable[[], Act]) -> None:
        """`Persona.ensure_signed_in()`, then the action: the suite's holder steps sign in first."""
        step = self.step
        assert step is not None
        before = len(step.acts)
        # The suite's step cannot sign in past a session that a reset or a lock ended, so
        # then the sign-in is written out as steps of its own.
        ended = actor.session is not None and not (self.model.standing(actor.name) or Standing.ENDED).alive
        if not self._ensure_signed_in(actor):
            return
        implicit = len(step.acts) > before
        act = action()
        if implicit and not ended:
            step.compact = act.lines

    def _ensure_signed_in(self, actor: Actor) -> bool:
        """True when the actor ends signed in the way `Persona.sign_in_fully` expects."""
        standing = self.model.standing(actor.name)
        if actor.session is not None and standing is not None and standing.alive:
            stage, error = self._call(lambda: self._session(actor).stage)
            if error is not None or stage is not _STAGE_OF[standing]:
                self._fail(f"{actor.name}'s session: the model predicted it {standing.value}, the system says "
                           f"{self._said(stage.value if isinstance(stage, Stage) else stage, error)}",
                           [Line("Then", _STAGE_LINES[standing].format(n=actor.name, s=actor.subject))],
                           self.model.enter_application(actor.name).rests_on)
            if standing is Standing.SIGNED_IN:
                return True
        signed = self._sign_in(actor, None)
        if signed.value is Standing.CODE_REQUIRED:
            text, code = actor.code()
            when = f"{actor.name} enters the code {actor.possessive} phone shows"
            return self._submit(actor, when, text, code).allowed
        if signed.value is Standing.SETUP_REQUIRED:
            self._scan(actor, new_phone=False)
            return self._save(actor, "right", f"{actor.name}'s phone").allowed
        return signed.allowed

    # ── Checks ──────────────────────────────────────────────────────────────
    def _expect_stage(self, actor: Actor, standing: Standing, line: Line, context: str,
                      rests_on: frozenset[str]) -> None:
        """What the suite's "is signed in" / "is asked for ..." steps check of the session."""
        session = self._session(actor)
        stage, error = self._call(lambda: session.stage)
        if error is None and stage is _STAGE_OF[standing]:
            if standing is Standing.CODE_REQUIRED:
                return
            _, use = self._call(session.enter_application)
            expected = None if standing is Standing.SIGNED_IN else refused.SetupRequired
            if (use is None and expected is None) or (expected is not None and isinstance(use, expected)):
                return
            error = use
        self._fail(f"{context}, the system {self._said(getattr(stage, 'value', stage), error)}", [line], rests_on)

    def _expect_refusal(self, actor: Actor, predicted: Prediction, error: Refused | None, doing: str) -> None:
        assert predicted.refusal is not None
        lines = {
            refused.NotAccountHolder: f"{actor.name} is told that only an account holder can do this",
            refused.AlreadyEnrolled: f"{actor.name} is told that {actor.subject} already has an MFA device",
            refused.UnknownUser: f"{actor.subject} is told that there is no such user in {actor.possessive} practice",
            refused.SelfResetRefused: f"{actor.subject} is told to contact vendor support",
        }
        line = Line("Then", lines[predicted.refusal])
        if not isinstance(error, predicted.refusal):
            self._fail(f"{actor.name} {doing}: the model predicted {predicted.describe()}, the system "
                       f"{self._said('allowed it', error)}", [line], predicted.rests_on)
        assert self.step is not None
        self.step.acts[-1].then.append(line)
        self.step.acts[-1].rests_on = predicted.rests_on

    def _expect_reset_done(self, target: str, error: Refused | None, predicted: Prediction) -> None:
        line = Line("Then", f"{target}'s MFA has been reset")
        if error is not None:
            self._fail(f"resetting {target}'s MFA: the model predicted it done, the system refused it "
                       f"({type(error).__name__})", [line], predicted.rests_on)
        assert self.step is not None
        self.step.acts[-1].then.append(line)
        self.step.acts[-1].rests_on = predicted.rests_on

    def _fail(self, message: str, failing: list[Line], rests_on: frozenset[str], *, in_step: bool = True) -> None:
        self.failed = True
        type(self).observer.failed()
        error = Discrepancy(message, failing=failing, rests_on=rests_on)
        error.during = self.step if in_step else None  # type: ignore[attr-defined]
        raise error

    # ── Plumbing ────────────────────────────────────────────────────────────
    def _begin_step(self, rule_name: str) -> Step:
        self.step = Step(rule=rule_name, call=self._pending_call)
        self.trace.steps.append(self.step)
        type(self).observer.rules += 1
        return self.step

    def _act(self, when: str | Line) -> Act:
        assert self.step is not None
        act = Act(when=[when if isinstance(when, Line) else Line("When", when)])
        self.step.acts.append(act)
        type(self).observer.actions += 1
        return act

    def _call(self, do: Callable[[], T]) -> tuple[T | None, Refused | None]:
        """Run one driver call: its value, or the named refusal it met.

        Anything else the system raises is a discrepancy too (the suite's step
        would fail the same way), except a lost connection, which stops the run."""
        try:
            return do(), None
        except Refused as error:
            return None, error
        except (SystemUnreachable, KeyboardInterrupt):
            raise
        except CapabilityMissing as missing:
            self._fail(f"the system declares the capability {missing.capability} but lacks it", [], frozenset())
        except Exception as error:  # noqa: BLE001 - a system's crash is a finding, reported in one line
            self._fail(f"the system raised {type(error).__name__}: {error}", [], frozenset())
        raise AssertionError("unreachable")

    @staticmethod
    def _said(value: object, error: Refused | None) -> str:
        return f"refused it ({type(error).__name__})" if error is not None else str(value)

    @staticmethod
    def _status_said(status: UserStatus | None, error: Refused | None) -> str:
        if error is not None:
            return f"nothing (refused: {type(error).__name__})"
        if status is None:
            return "absent"
        return f"enrolled with {status.device_name!r}" if status.enrolled else "not enrolled"

    def _stage_of(self, session: object) -> str:
        stage = getattr(session, "stage", None)
        return f"let them in at '{stage.value}'" if isinstance(stage, Stage) else "let them in"

    def _session(self, actor: Actor):
        assert actor.session is not None, f"{actor.name} has no session"
        return actor.session

    def _new_phone(self, owner: str) -> Phone:
        return Phone(owner=owner, app=phone_for(self.sut), number=next(self._phones))

    # ── Who may take which action (the suite's step must be able to run) ────
    def _riverside(self) -> list[Actor]:
        return [self.actors[name] for name in ACTORS]

    def _waiting_for_code(self, *, need_phone: bool) -> list[Actor]:
        return [a for a in self.actors.values() if self.model.standing(a.name) is Standing.CODE_REQUIRED
                and (not need_phone or a.phone.key is not None)]

    def _may_sign_in_for_wrong_codes(self) -> list[Actor]:
        return [a for a in self._riverside() if self.model.enrolled(a.name) and not self.model.locked(a.name)
                and a.phone.key is not None and not self.model.safelist_of(a.name)]

    def _with_open_session(self) -> list[Actor]:
        return [a for a in self.actors.values() if a.session is not None
                and (self.model.standing(a.name) or Standing.ENDED).alive]

    def _may_enroll(self) -> list[Actor]:
        return [a for a in self.actors.values()
                if self.model.standing(a.name) in (Standing.SIGNED_IN, Standing.SETUP_REQUIRED)
                and not self.model.enrolled(a.name)]

    def _enrolled_and_signed_in(self) -> list[Actor]:
        return [a for a in self.actors.values()
                if self.model.standing(a.name) is Standing.SIGNED_IN and self.model.enrolled(a.name)]

    def _may_act_signed_in(self) -> list[Actor]:
        """Who can take a step that signs them in first (`Persona.ensure_signed_in`).

        Only an account holder signs in on the way: that a user who is not one
        gets signed in by trying to enforce MFA is true but makes a poor story."""
        able = []
        for actor in self._riverside():
            standing = self.model.standing(actor.name)
            if standing is Standing.SIGNED_IN:
                able.append(actor)
            elif self.model.is_holder(actor.name):
                if self.model.safelist_of(actor.name):
                    continue  # the sign-in would come from the system's own address
                if self.model.enrolled(actor.name) and actor.phone.key is None:
                    continue
                able.append(actor)
        return able


_STAGE_LINES = {
    Standing.SIGNED_IN: "{n} can still use the product",
    Standing.CODE_REQUIRED: "{n} cannot use the product until {s} enters a code",
    Standing.SETUP_REQUIRED: "{n} cannot use the product until {s} sets up MFA",
}


def _matches(predicted: Prediction, error: Refused | None) -> bool:
    if predicted.refusal is None:
        return error is None
    return isinstance(error, predicted.refusal)


def _networks(entries: object) -> set[str] | None:
    import ipaddress

    try:
        return {str(ipaddress.ip_network(str(e).strip(), strict=False)) for e in entries}  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None


def machine_for(system: SystemUnderTest, observer: Observer) -> type[Exploration]:
    """An `Exploration` bound to one system under test (Hypothesis builds one machine per example)."""
    return type("Exploration", (Exploration,), {"system": system, "observer": observer})
