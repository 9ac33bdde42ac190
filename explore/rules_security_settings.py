"""The rules for Practice Security Settings: enforce MFA and stop enforcing it, change the IP
safelist (valid, empty, an invalid entry); a user who is not an account holder tries to.
"""

from __future__ import annotations

import ipaddress

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from mfa_conformance.driver import Capability
from mfa_conformance.driver import errors as refused

from .acts import Acts
from .actors import PEOPLE
from .recording import recorded
from .trace import Act, Line

__all__ = ["SecuritySettingsRules", "OFFICE_RANGE"]

OFFICE_RANGE = "203.0.113.0/24"
SAFELISTS: tuple[tuple[str, ...], ...] = ((), (OFFICE_RANGE,), ("198.51.100.0/24",))
INVALID_ENTRIES = ("203.0.113.300", "office network", "10.0.0.1/24")


class SecuritySettingsRules(Acts):
    """Practice Security Settings, as an account holder (signed in first when needed) or not."""

    @precondition(lambda self: bool(self._may_act_signed_in()))
    @rule(who=PEOPLE, on=st.booleans())
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
    @rule(who=PEOPLE, choice=st.sampled_from((*INVALID_ENTRIES, *SAFELISTS)))
    @recorded
    def change_safelist(self, who: str, choice: tuple[str, ...] | str) -> None:
        """An invalid entry, an empty safelist, or (with client addresses) a restrictive one;
        never a restrictive one on a system that cannot seed, where a safelist that shuts out
        the explorer's own address would outlive the sequence."""
        actor = self.actors[who]
        if actor not in self._may_act_signed_in() or (choice and isinstance(choice, tuple) and not (
                Capability.CLIENT_ADDRESS in self.caps and Capability.SEEDING in self.caps)):
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



def _networks(entries: object) -> set[str] | None:
    try:
        return {str(ipaddress.ip_network(str(e).strip(), strict=False)) for e in entries}  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None
