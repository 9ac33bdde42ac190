"""The documented actions the rules are made of, each checked as the suite's steps check it.

Signing in, entering a code, scanning the QR code and saving the device, signing
an account holder in on the way (as `Persona.ensure_signed_in` does); and who may
take which action, so that the explorer only takes one when the suite's step for
it could run on a system that follows the model.
"""

from __future__ import annotations

from collections.abc import Callable

from mfa_conformance.people.authenticator import UnreadableQrCode
from mfa_conformance.driver import Stage
from mfa_conformance.driver import errors as refused

from .actors import ACTORS, Actor, Phone, phone_for
from .checks import STAGE_OF, Checks, matches
from .model import Prediction
from .model_state import Code, Standing
from .trace import Act, Line

__all__ = ["Acts"]

_STAGE_LINES = {
    Standing.SIGNED_IN: "{n} can still use the product",
    Standing.CODE_REQUIRED: "{n} cannot use the product until {s} enters a code",
    Standing.SETUP_REQUIRED: "{n} cannot use the product until {s} sets up MFA",
}


class Acts(Checks):
    """One documented action each, and who may take it."""

    def _open_setup_when_enrolled(self, actor: Actor) -> None:
        """ENR-20: an enrolled user is not offered a second device (or, declared several, adds one)."""
        if self.model.rules.several_devices:
            self._begin_step("add a device")
            self._scan(actor, new_phone=True)
            self._save(actor, "right", actor.next_device_name())
            return
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
        predicted = self.model.sign_in(actor.name, address, self.sut.now())
        act.rests_on = predicted.rests_on
        session, error = self._call(lambda: self.sut.sign_in(actor.account.username, actor.account.password,
                                                             address=address))
        if predicted.refusal is not None:
            then = {refused.MfaLocked: f"{actor.name} is told that {actor.possessive} code entry is locked",
                    refused.AddressNotAllowed: f"{actor.name} is refused because of {actor.possessive} address",
                    # the model predicts a wrong password only outside the safelist (safelist_refusal)
                    refused.WrongCredentials: f"{actor.name} is refused because of {actor.possessive} address"}
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
            if not matches(predicted, error):
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
            if not matches(predicted, error):
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
            if error is not None or stage is not STAGE_OF[standing]:
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


    def _new_phone(self, owner: str) -> Phone:
        return Phone(owner=owner, app=phone_for(self.sut), number=next(self._phones))

    # ── Who may take which action (the suite's step must be able to run) ────
    def _riverside(self) -> list[Actor]:
        return [self.actors[name] for name in ACTORS]

    def _waiting_for_code(self, *, need_phone: bool) -> list[Actor]:
        return [a for a in self.actors.values() if self.model.standing(a.name) is Standing.CODE_REQUIRED
                and (not need_phone or a.phone.key is not None)]

    def _may_sign_in_for_wrong_codes(self) -> list[Actor]:
        now = self.sut.now()
        return [a for a in self._riverside() if self.model.enrolled(a.name) and not self.model.locked(a.name, now)
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
