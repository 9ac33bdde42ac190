"""The rules for signing in: with the password (from the office or elsewhere), with a right,
wrong, old, reused, early or late code, with wrong codes until the lock, and signing out.
"""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from mfa_conformance.driver import Capability
from mfa_conformance.driver import errors as refused

from .acts import Acts
from .actors import PEOPLE, PHONES, Phone
from .model_state import Standing
from .recording import recorded
from .trace import Line

__all__ = ["SigningInRules", "OFFICE", "ELSEWHERE"]

OFFICE = "203.0.113.25"
"""Inside the office range of `explore.rules_security_settings`."""
ELSEWHERE = "198.51.100.7"
CODE_KINDS = ("wrong", "reused", "-2", "-1", "1", "2")
WRONG_CODE_COUNTS = ("one", "two", "one fewer", "as many", "as many")
"""How many wrong codes in a row, relative to the declared lockout_after."""


class SigningInRules(Acts):
    """Signing in and out."""

    @rule(who=PEOPLE, elsewhere=st.booleans())
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
    @rule(who=PEOPLE, kind=st.sampled_from(CODE_KINDS))
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
    @rule(phone=PHONES)
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
    @rule(who=PEOPLE, count=st.sampled_from(WRONG_CODE_COUNTS))
    @recorded
    def sign_in_with_wrong_codes(self, who: str, count: str) -> None:
        """A few wrong codes, one fewer than the declared limit, or as many as lock code entry."""
        actor = self.actors[who]
        limit = self.model.rules.lockout_after
        number = {"one": 1, "two": 2, "one fewer": limit - 1, "as many": limit}[count]
        if actor not in self._may_sign_in_for_wrong_codes() or number < 1:
            return
        step = self._begin_step("sign in and enter wrong codes")
        as_the_step_expects = self._sign_in(actor, None).value is Standing.CODE_REQUIRED
        for n in range(1, number + 1):
            if not as_the_step_expects:
                return
            text, code = actor.wrong_code()
            last = self._submit(actor, f"{actor.name} enters a code that is not {actor.possessive} phone's", text, code)
            if last.refusal is not refused.CodeRejected and n < number:
                as_the_step_expects = False
        if as_the_step_expects:
            step.compact = [Line("When", f"{actor.name} signs in and enters {number} wrong codes in a row"),
                            *step.acts[-1].then]

    @precondition(lambda self: bool(self._with_open_session()))
    @rule(who=PEOPLE)
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
