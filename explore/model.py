"""An executable model of the MFA how-to: what each documented action should do.

Written from the requirement catalogue (features/requirements.toml), not from
the simulator, so exploration compares two independent readings of the how-to:
if the simulator and this model disagree, one of them misreads a requirement.
Every branch names the requirement IDs it follows; a prediction carries them
(`Prediction.rests_on`) so a counterexample is tagged with what it checks.

The model is plain data and arithmetic (its state is in `explore.model_state`);
it never sees a TOTP secret, only which key and which time step a code is of.

Where the catalogue is silent the model does not guess: a session whose code
entry just locked is `Standing.LOCKED_OUT`, and the explorer no longer uses it.
Where the how-to leaves a choice the model predicts with the declared positions
(`Rules`), so exploring a product that reads the how-to differently reports
only real faults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from mfa_conformance.driver import errors as refused
from mfa_conformance.driver.errors import Refused

from .model_state import (Code, Device, Practice, Rules, SessionState, Standing, User, allows, canonical_safelist,
                          time_step)

__all__ = ["Prediction", "Status", "HowTo"]


@dataclass(frozen=True)
class Prediction:
    """Allowed (with a value) or refused (with which named refusal), and why."""

    refusal: type[Refused] | None = None
    value: object = None
    rests_on: frozenset[str] = frozenset()
    or_instead: type[Refused] | None = None
    """Another refusal that says the same where the how-to does not say which answer announces it."""

    @property
    def allowed(self) -> bool:
        return self.refusal is None

    def refuses_as(self, error: Refused | None) -> bool:
        return error is not None and any(isinstance(error, r) for r in (self.refusal, self.or_instead) if r)

    def describe(self) -> str:
        if self.refusal is not None and self.or_instead is not None:
            return f"refused ({self.refusal.__name__} or {self.or_instead.__name__})"
        if self.refusal is not None:
            return f"refused ({self.refusal.__name__})"
        return "allowed" if self.value is None else f"allowed ({_shown(self.value)})"


def _shown(value: object) -> str:
    return value.value if isinstance(value, Enum) else str(value)


@dataclass(frozen=True)
class Status:
    """One row of User Settings as the model expects it."""

    persona: str
    username: str
    enrolled: bool
    device_name: str | None


_STANDING_REFUSAL: dict[Standing, type[Refused] | None] = {
    Standing.SIGNED_IN: None,
    Standing.CODE_REQUIRED: refused.CodeRequired,
    Standing.SETUP_REQUIRED: refused.SetupRequired,
    Standing.ENDED: refused.SessionEnded,
}


class HowTo:
    """The practices and users of one exploration, and what the how-to says they may do.

    Each method predicts one documented action and, when the action is allowed,
    changes the model as the action should change the system."""

    def __init__(self, positions: Mapping[str, object] | None = None) -> None:
        self.rules = Rules.declared(positions or {})
        self._practices: dict[str, Practice] = {}
        self._users: dict[str, User] = {}

    # ── Seeding ─────────────────────────────────────────────────────────────
    def add_practice(self, name: str, *, mfa_available: bool = True) -> None:
        self._practices[name] = Practice(name=name, mfa_available=mfa_available)

    def add_user(self, persona: str, username: str, practice: str, *, holder: bool = False) -> None:
        self._users[persona] = User(persona=persona, username=username, practice=practice, holder=holder)

    # ── What the explorer may ask without acting ────────────────────────────
    @property
    def personas(self) -> list[str]:
        return list(self._users)

    def practice_of(self, persona: str) -> str:
        return self._users[persona].practice

    def is_holder(self, persona: str) -> bool:
        return self._users[persona].holder

    def username(self, persona: str) -> str:
        return self._users[persona].username

    def standing(self, persona: str) -> Standing | None:
        session = self._users[persona].session
        return None if session is None else session.standing

    def enrolled(self, persona: str) -> bool:
        return self._users[persona].device is not None

    def device_key(self, persona: str) -> int | None:
        device = self._users[persona].device
        return None if device is None else device.key

    def locked(self, persona: str, now: float | None = None) -> bool:
        return self._locked(self._users[persona], now)

    def _locked(self, user: User, now: float | None) -> bool:
        """SGN-06: the declared number of wrong codes in a row locks code entry until a reset,
        or (lockout_wait_minutes) until the declared wait has passed, which starts the count again."""
        if user.wrong_codes < self.rules.lockout_after:
            return False
        if self.rules.lockout_wait and user.locked_at is not None:
            assert now is not None, "a lock that waiting lifts needs the time"
            if now - user.locked_at >= self.rules.lockout_wait:
                user.wrong_codes, user.locked_at = 0, None
                return False
        return True

    def safelist_of(self, persona: str) -> tuple[str, ...]:
        return self._practices[self._users[persona].practice].safelist

    def enforced_for(self, persona: str) -> bool:
        return self._practices[self._users[persona].practice].enforced

    # ── Signing in ──────────────────────────────────────────────────────────
    def sign_in(self, persona: str, address: str | None, now: float | None = None) -> Prediction:
        """`address` None means an address the safelist allows (the caller makes sure)."""
        user = self._users[persona]
        practice = self._practices[user.practice]
        exempt = user.holder and self.rules.safelist_exempts_holders
        listed = address is None or allows(practice.safelist, address)
        if not listed and not exempt:
            shut_out = refused.WrongCredentials if self.rules.safelist_like_wrong_password else refused.AddressNotAllowed
            return Prediction(shut_out, rests_on=frozenset({"SAF-20"}))
        if address is None and practice.safelist:
            raise ValueError("the model cannot tell whether the system's own address is safelisted")
        via_safelist = frozenset({"SAF-20", "SAF-22"}) if practice.safelist else frozenset()
        if self._locked(user, now):
            return Prediction(refused.MfaLocked, rests_on=frozenset({"SGN-06"}))
        if user.device is not None and listed and practice.safelist and self.rules.safelist_spares_code:
            standing, why = Standing.SIGNED_IN, {"SAF-22"} | user.device.rests_on
        elif user.device is not None:
            standing, why = Standing.CODE_REQUIRED, {"SGN-01"} | user.device.rests_on
            if practice.switched_off:
                why |= {"DIS-01"}
        elif practice.enforced and practice.mfa_available:
            standing, why = Standing.SETUP_REQUIRED, {"ENF-04", "ENF-05", "ENF-10"}
            if user.reset_by:
                why |= {"REC-02"}
        else:
            standing = Standing.SIGNED_IN
            why = {"REC-03"} | user.reset_by if user.reset_by else ({"DIS-01"} if practice.switched_off else {"ENR-01"})
        user.session = SessionState(standing)
        return Prediction(value=standing, rests_on=frozenset(why) | via_safelist)

    def submit_code(self, persona: str, code: Code, now: float) -> Prediction:
        """Answer the code prompt of the persona's session (which waits for a code)."""
        user = self._users[persona]
        session = self._live_session(user, Standing.CODE_REQUIRED)
        if self._locked(user, now):
            session.standing = Standing.LOCKED_OUT
            return Prediction(refused.MfaLocked, rests_on=frozenset({"SGN-06"}))
        assert user.devices, "a session waits for a code only when the user has a device"
        device = next((d for d in user.devices if d.key == code.key), user.devices[0])
        why = self._code_verdict(device, user.retired_keys, code, now)
        if why is None:
            device.last_step = code.step
            user.wrong_codes = 0
            session.standing = Standing.SIGNED_IN
            return Prediction(value=Standing.SIGNED_IN, rests_on=frozenset({"SGN-01", "SGN-03", "SGN-05"}))
        user.wrong_codes += 1
        if self._locked(user, now):
            user.locked_at = now
            session.standing = Standing.LOCKED_OUT
            # The how-to does not say which answer announces the lock: this one, or the next attempt's.
            return Prediction(refused.MfaLocked, rests_on=why | {"SGN-06"}, or_instead=refused.CodeRejected)
        return Prediction(refused.CodeRejected, rests_on=why)

    def _code_verdict(self, device: Device, retired: set[int], code: Code, now: float) -> frozenset[str] | None:
        """None when the code signs in, else the requirements that refuse it."""
        if code.key != device.key:
            return frozenset({"SGN-04", "MGT-05"} if code.key in retired else {"SGN-04"})
        if abs(code.step - time_step(now)) > self.rules.drift_steps:
            return frozenset({"SGN-03"})
        if code.step <= device.last_step:
            return frozenset({"SGN-05"})
        return None

    def enter_application(self, persona: str) -> Prediction:
        """Use the product: allowed only past every sign-in stage (ENF-10, ENF-20, REC-20)."""
        session = self._users[persona].session
        assert session is not None and session.standing is not Standing.LOCKED_OUT
        why = {
            Standing.SIGNED_IN: {"ENF-20", "SGN-01"},
            Standing.CODE_REQUIRED: {"SGN-01"},
            Standing.SETUP_REQUIRED: {"ENF-10"},
            Standing.ENDED: session.ended_by,
        }[session.standing]
        return Prediction(_STANDING_REFUSAL[session.standing], rests_on=frozenset(why))

    def sign_out(self, persona: str) -> Prediction:
        user = self._users[persona]
        self._live_session(user)
        user.session = None
        return Prediction()

    # ── Self-enrollment ─────────────────────────────────────────────────────
    def open_setup(self, persona: str, key: int) -> Prediction:
        """Open the MFA Configuration page, which shows the QR code of `key`."""
        user = self._users[persona]
        session = self._live_session(user, Standing.SIGNED_IN, Standing.SETUP_REQUIRED)
        if not self._practices[user.practice].mfa_available:
            return Prediction(refused.MfaNotAvailable, rests_on=frozenset({"ENR-12"}))
        if user.device is not None and not self.rules.several_devices:
            return Prediction(refused.AlreadyEnrolled, rests_on=frozenset({"ENR-20"}))
        session.pending_key = key
        return Prediction(rests_on=frozenset({"ENR-01", "ENR-03"} | ({"ENR-20"} if user.device else set())))

    def save_device(self, persona: str, code: Code, name: str, now: float) -> Prediction:
        user = self._users[persona]
        session = self._live_session(user, Standing.SIGNED_IN, Standing.SETUP_REQUIRED)
        assert session.pending_key is not None, "save only after the QR code was shown"
        if user.device is not None and not self.rules.several_devices:
            return Prediction(refused.AlreadyEnrolled, rests_on=frozenset({"ENR-20"}))
        if not name.strip():
            return Prediction(refused.DeviceNameRequired, rests_on=frozenset({"ENR-11"}))
        if code.key != session.pending_key or abs(code.step - time_step(now)) > self.rules.drift_steps:
            return Prediction(refused.CodeRejected, rests_on=frozenset({"ENR-10"}))
        why = {"ENR-04"} | ({"REC-04"} if user.reset_by else set()) | ({"ENR-20"} if user.devices else set())
        if session.standing is Standing.SETUP_REQUIRED:
            why |= {"ENF-05"}
        user.devices.append(Device(name=name.strip(), key=session.pending_key, last_step=code.step,
                                   rests_on=frozenset(why)))
        user.reset_by = frozenset()
        session.pending_key = None
        session.standing = Standing.SIGNED_IN
        return Prediction(rests_on=frozenset(why))

    # ── Practice Security Settings ──────────────────────────────────────────
    def set_enforcement(self, persona: str, enforced: bool) -> Prediction:
        gate = self._holder_gate(persona)
        if gate is not None:
            return gate
        practice = self._practices[self._users[persona].practice]
        if enforced and not practice.mfa_available:
            return Prediction(refused.MfaNotAvailable, rests_on=frozenset({"ENR-12"}))
        if practice.enforced and not enforced:
            practice.switched_off = True
        if enforced and not practice.enforced and self.rules.enforcement_ends_sessions:
            for other in self._users.values():  # ENF-20, declared: the other users' open sessions end at once
                if other.persona != persona and other.practice == practice.name and other.session is not None \
                        and other.session.standing.alive:
                    other.session = SessionState(Standing.ENDED, ended_by=frozenset({"ENF-20"}))
        practice.enforced = enforced
        return Prediction(rests_on=frozenset({"ENF-03"} if enforced else {"DIS-01"}))

    def enforcement(self, persona: str) -> Prediction:
        gate = self._holder_gate(persona)
        if gate is not None:
            return gate
        enforced = self._practices[self._users[persona].practice].enforced
        return Prediction(value=enforced, rests_on=frozenset({"ENF-03"} if enforced else {"DIS-01"}))

    def set_safelist(self, persona: str, entries: list[str]) -> Prediction:
        gate = self._holder_gate(persona)
        if gate is not None:
            return gate
        parsed = canonical_safelist(entries, normalise=self.rules.safelist_normalises)
        if isinstance(parsed, str):
            return Prediction(refused.InvalidSafelistEntry, value=parsed, rests_on=frozenset({"SAF-21"}))
        self._practices[self._users[persona].practice].safelist = parsed
        return Prediction(value=parsed, rests_on=frozenset({"SAF-01", "SAF-21"}))

    def safelist(self, persona: str) -> Prediction:
        gate = self._holder_gate(persona)
        if gate is not None:
            return gate
        return Prediction(value=self._practices[self._users[persona].practice].safelist,
                          rests_on=frozenset({"SAF-01"}))

    # ── User Settings ───────────────────────────────────────────────────────
    def user_statuses(self, persona: str) -> Prediction:
        gate = self._holder_gate(persona)
        if gate is not None:
            return gate
        practice = self._users[persona].practice
        rows = [self.status(u.persona) for u in self._users.values() if u.practice == practice]
        return Prediction(value=rows, rests_on=frozenset({"MGT-01", "MGT-10"}))

    def status(self, persona: str) -> Status:
        user = self._users[persona]
        return Status(persona=persona, username=user.username, enrolled=user.device is not None,
                      device_name=", ".join(d.name for d in user.devices) if user.devices else None)

    def status_rests_on(self, persona: str) -> frozenset[str]:
        """The requirements behind a user's MFA status in User Settings."""
        user = self._users[persona]
        practice = self._practices[user.practice]
        if user.device is not None:
            why = {"MGT-01"} | {r for d in user.devices for r in d.rests_on} | (
                {"DIS-01"} if practice.switched_off else set())
        else:
            why = {"MGT-01"} | user.reset_by
        return frozenset(why)

    def find_user(self, persona: str, query: str) -> Prediction:
        """MGT-04, MGT-20, MGT-10: only the full, exact, case-sensitive username of the practice."""
        gate = self._holder_gate(persona)
        if gate is not None:
            return gate
        practice = self._users[persona].practice
        found = next((u.persona for u in self._users.values() if u.username == query), None)
        if found is None and self.rules.search_ignores_case:  # MGT-20, declared case-insensitive
            found = next((u.persona for u in self._users.values()
                          if u.practice == practice and u.username.casefold() == query.casefold()), None)
            if found is not None:
                return Prediction(value=found, rests_on=frozenset({"MGT-03", "MGT-04", "MGT-20"}))
        if found is not None and self._users[found].practice != practice:
            return Prediction(value=None, rests_on=frozenset({"MGT-10"}))
        if found is None:
            near = any(query.lower() == u.username.lower() for u in self._users.values())
            return Prediction(value=None, rests_on=frozenset({"MGT-20"} if near else {"MGT-04"}))
        return Prediction(value=found, rests_on=frozenset({"MGT-03", "MGT-04"}))

    def reset(self, persona: str, target: str) -> Prediction:
        """An account holder presses Reset MFA for `target`."""
        gate = self._holder_gate(persona)
        if gate is not None:
            return gate
        holder, user = self._users[persona], self._users[target]
        if user.practice != holder.practice:
            return Prediction(refused.UnknownUser, rests_on=frozenset({"MGT-10"}))
        if target == persona and not self.rules.self_reset:
            return Prediction(refused.SelfResetRefused, rests_on=frozenset({"MGT-21"}))
        practice = self._practices[user.practice]
        why = {"MGT-05", "REC-01"} | ({"MGT-21"} if target == persona else set())
        self._reset(user, frozenset(why | ({"DIS-02"} if practice.switched_off else set())))
        return Prediction(rests_on=frozenset(why))

    def support_reset(self, target: str) -> Prediction:
        """Vendor support resets anyone's MFA (REC-05)."""
        self._reset(self._users[target], frozenset({"REC-05", "MGT-05"}))
        return Prediction(rests_on=frozenset({"REC-05"}))

    def _reset(self, user: User, why: frozenset[str]) -> None:
        """MGT-05: the devices go; SGN-06: the lock lifts; REC-20: open sessions end (unless declared kept)."""
        user.retired_keys |= {device.key for device in user.devices}
        user.devices = []
        user.wrong_codes, user.locked_at = 0, None
        user.reset_by = why
        kept = not self.rules.reset_ends_sessions
        if user.session is not None and not (kept and user.session.standing is not Standing.CODE_REQUIRED):
            user.session = SessionState(Standing.ENDED)  # kept: all but a sign-in waiting for a code, no device left

    # ── Shared gates ────────────────────────────────────────────────────────
    def _live_session(self, user: User, *stages: Standing) -> SessionState:
        session = user.session
        assert session is not None and session.standing.alive, f"{user.persona} has no open session"
        assert not stages or session.standing in stages, f"{user.persona}'s session is {session.standing.value}"
        return session

    def _holder_gate(self, persona: str) -> Prediction | None:
        """ENF-11: only a signed-in account holder reaches Security Settings."""
        user = self._users[persona]
        session = user.session
        standing = Standing.ENDED if session is None else session.standing
        refusal = _STANDING_REFUSAL.get(standing, refused.SessionEnded)
        if refusal is not None:
            return Prediction(refusal, rests_on=frozenset({"ENF-10"}))
        if not user.holder:
            return Prediction(refused.NotAccountHolder, rests_on=frozenset({"ENF-11"}))
        return None
