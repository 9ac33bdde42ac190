"""The rule for self-enrollment: scan the QR code (with the phone, or a new one) and save the
device with a right or wrong code, or no name; an enrolled user re-opens the setup (ENR-20).
"""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import multiple, precondition, rule

from .acts import Acts
from .actors import PEOPLE, PHONES
from .recording import recorded

__all__ = ["EnrollmentRules"]



class EnrollmentRules(Acts):
    """Self-enrollment."""

    @precondition(lambda self: bool(self._may_enroll() or self._enrolled_and_signed_in()))
    @rule(target=PHONES, who=PEOPLE, variant=st.sampled_from(("right", "right", "wrong", "no name")),
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
