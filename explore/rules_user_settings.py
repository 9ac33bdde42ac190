"""The rules for User Settings and recovery: view every user's MFA status, search by a
username in full or not, reset a user's MFA as the account holder or as vendor support.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from mfa_conformance.driver import Capability, UserStatus

from .acts import Acts
from .actors import PEOPLE
from .recording import recorded
from .trace import Act, Line

__all__ = ["UserSettingsRules"]

SEARCH_FORMS: dict[str, Callable[[str], str]] = {
    "in full": lambda u: u,
    "without its last letter": lambda u: u[:-1],
    "without its first letter": lambda u: u[1:],
    "with a letter added": lambda u: u + "x",
    "in upper case": lambda u: u.upper(),
}


class UserSettingsRules(Acts):
    """User Settings and resets."""

    @precondition(lambda self: bool(self._may_act_signed_in()))
    @rule(who=PEOPLE)
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
    @rule(who=PEOPLE, target_person=st.one_of(PEOPLE, st.just("Olga")), form=st.sampled_from(list(SEARCH_FORMS)))
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
    @rule(who=PEOPLE, target_person=PEOPLE)
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
    @rule(target_person=PEOPLE)
    @recorded
    def support_reset(self, target_person: str) -> None:
        step = self._begin_step("vendor support resets MFA")
        step.capabilities.add("needs-support-console")
        self._act(f"vendor support resets {target_person}'s MFA")
        predicted = self.model.support_reset(target_person)
        username = self.model.username(target_person)
        _, error = self._call(lambda: self.sut.support_reset_mfa(username))
        self._expect_reset_done(target_person, error, predicted)
