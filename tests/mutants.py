"""Deliberately broken simulators, to measure the acceptance suite's power.

Each variant overrides ONE method of the reference `Simulator` so that it
breaks exactly one behaviour of the requirement catalogue
(features/requirements.toml), and is exposed as a zero-argument factory, so
any of them runs as a system under test:

    python -m pytest steps --sut tests.mutants:accepts_any_setup_code

tests/test_suite_power.py runs the suite against every variant and checks
that a scenario tagged with the broken requirement fails. A variant no
scenario catches is a gap in the acceptance suite, never a reason to weaken
the variant.

Some variants read the how-to as another declarable position does (a lockout
after 10 wrong codes, a case-insensitive search): `conformant_under` names the
declaration under which such a variant is no longer broken. It must pass every
scenario when that is declared, and still fail under the reference default and
under any other declaration. Every other variant is broken whatever is declared,
or, where its bug lies in an alternative the reference does not take (`under`:
a password reset), whatever else is declared besides that alternative.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from mfa_conformance.driver.inprocess import InProcessSystem
from mfa_conformance.simulator import ISSUER, SUGGESTED_APPS, EnrollmentScreen, Simulator, Stage, totp
from mfa_conformance.simulator.errors import InvalidSafelistEntry, SelfResetRefused, UnknownUser
from mfa_conformance.simulator.qr import qr_png
from mfa_conformance.simulator.safelist import parse_safelist
from mfa_conformance.simulator.state import Practice, User, UserView

__all__ = ["Variant", "VARIANTS"]  # plus one factory per variant, named as in VARIANTS


@dataclass(frozen=True)
class Variant:
    name: str
    breaks: str
    """The requirement ID whose behaviour the variant breaks; a scenario tagged with it must fail."""
    also: tuple[str, ...]
    """Requirements whose scenarios pass through the broken behaviour, so they may fail too;
    a failing scenario tagged with none of these means the variant breaks more than it says."""
    simulator: type[Simulator]
    conformant_under: Mapping[str, object] = field(default_factory=dict)
    """The declared positions under which the variant is not broken but reads the how-to otherwise;
    empty: broken under every declaration."""
    under: Mapping[str, object] = field(default_factory=dict)
    """The declaration its runs make, where the bug is in an alternative the reference does not take (a
    password reset, a safelist answered like a wrong password): under the reference's the broken code is
    never reached, so the check is not applicable there and catches nothing."""

    def factory(self) -> InProcessSystem:
        return InProcessSystem(make=self.simulator)


VARIANTS: dict[str, Variant] = {}


def variant(name: str, breaks: str, *also: str, conformant_under: Mapping[str, object] | None = None,
            under: Mapping[str, object] | None = None) -> Callable[[type[Simulator]], type[Simulator]]:
    def register(cls: type[Simulator]) -> type[Simulator]:
        VARIANTS[name] = Variant(name=name, breaks=breaks, also=also, simulator=cls,
                                 conformant_under=dict(conformant_under or {}), under=dict(under or {}))
        return cls

    return register


# ── Self-enrollment ──────────────────────────────────────────────────────────


@variant("accepts_any_setup_code", "ENR-10")
class AcceptsAnySetupCode(Simulator):
    """Setup saves the device whatever code was typed (moto's warning, made real)."""

    def save_device(self, token: str, code: str, device_name: str) -> None:
        pending = self._session(token).pending_secret
        if pending is not None:
            code = totp.code_at(pending, totp.time_step(self.clock()))
        super().save_device(token, code, device_name)


@variant("device_name_optional", "ENR-11")
class DeviceNameOptional(Simulator):
    """An empty device name is saved as a default instead of being refused."""

    def save_device(self, token: str, code: str, device_name: str) -> None:
        super().save_device(token, code, device_name.strip() or "Authenticator")


@variant("self_enrollment_without_mfa", "ENR-12")
class SelfEnrollmentWithoutMfa(Simulator):
    """The MFA Configuration page opens in a practice that does not have MFA."""

    def begin_enrollment(self, token: str) -> EnrollmentScreen:
        practice = self.state.practices[self.state.users[self._session(token).username].practice]
        available, practice.mfa_available = practice.mfa_available, True
        try:
            return super().begin_enrollment(token)
        finally:
            practice.mfa_available = available


@variant("enforceable_without_mfa", "ENR-12")
class EnforceableWithoutMfa(Simulator):
    """The enforcement box can be checked in a practice that does not have MFA."""

    def set_enforcement(self, token: str, enforced: bool) -> None:
        _, practice = self._account_holder(token)
        practice.enforced = enforced


@variant("second_device_allowed", "ENR-20", conformant_under={"devices_per_user": "several"})
class SecondDeviceAllowed(Simulator):
    """An enrolled user is offered the setup screen again. With one device per user (the reference)
    saving it is then refused, a fault; configured for several devices it is exactly that alternative."""

    def begin_enrollment(self, token: str) -> EnrollmentScreen:
        user = self.state.users[self._session(token).username]
        device, user.device = user.device, None
        try:
            return super().begin_enrollment(token)
        finally:
            user.device = device


# ── Signing in ───────────────────────────────────────────────────────────────


@variant("code_only_when_enforced", "SGN-01", "DIS-01", "DIS-20", "SAF-22", "ENR-03", "ENR-04", "SGN-03", "SGN-04",
         "SGN-05", "SGN-06", "REC-01", "REC-05", "MGT-10", "SEC-01", "SEC-02", "SEC-05", "SEC-08", "SEC-09", "SEC-11",
         "SEC-12")
class CodeOnlyWhenEnforced(Simulator):
    """An enrolled user is asked for a code only while the practice enforces MFA."""

    def sign_in(self, username: str, password: str, *, address: str = "127.0.0.1") -> tuple[str, Stage]:
        token, stage = super().sign_in(username, password, address=address)
        practice = self.state.practices[self.state.users[username].practice]
        if stage is Stage.CODE_REQUIRED and not practice.enforced:
            self.state.sessions[token].stage = stage = Stage.SIGNED_IN
        return token, stage


@variant("short_secret", "SGN-02", "ENR-05")
class ShortSecret(Simulator):
    """The QR code carries a 120-bit secret (pyotp's floor is 112; the catalogue asks for 160)."""

    def begin_enrollment(self, token: str) -> EnrollmentScreen:
        screen = super().begin_enrollment(token)
        session = self._session(token)
        user = self.state.users[session.username]
        secret = screen.manual_key[:24]
        session.pending_secret = secret
        uri = totp.provisioning_uri(secret, account=user.username, issuer=f"{ISSUER} {user.practice}")
        return EnrollmentScreen(suggested_apps=SUGGESTED_APPS, qr_png=qr_png(uri), manual_key=secret)


@variant("drift_window_three_steps", "SGN-03")
class DriftWindowThreeSteps(Simulator):
    """Sign-in accepts codes up to three time steps (90 s) away, more than any declarable drift_steps."""

    def submit_code(self, token: str, code: str) -> Stage:
        with self.lock:  # codes sent at once must not see the window half restored
            saved = self.options
            self.options = replace(saved, drift_steps=3)
            try:
                return super().submit_code(token, code)
            finally:
                self.options = saved


@variant("accepts_a_colleagues_code", "SGN-04")
class AcceptsAColleaguesCode(Simulator):
    """Sign-in accepts a current code from any enrolled device, not only the user's own."""

    def submit_code(self, token: str, code: str) -> Stage:
        user = self.state.users[self._session(token).username]
        now = self.clock()
        if user.device is not None and any(
            other is not user and other.device is not None
            and totp.matching_step(other.device.secret, code, unix_time=now) is not None
            for other in self.state.users.values()
        ):
            code = totp.code_at(user.device.secret, totp.time_step(now))
        return super().submit_code(token, code)


@variant("no_replay_protection", "SGN-05", "SEC-01")
class NoReplayProtection(Simulator):
    """Sign-in forgets which time step was last used, so a code works again within its window."""

    def submit_code(self, token: str, code: str) -> Stage:
        device = self.state.users[self._session(token).username].device
        if device is not None:
            device.last_step = -1
        return super().submit_code(token, code)


@variant("setup_code_reusable_at_sign_in", "SGN-05")
class SetupCodeReusableAtSignIn(Simulator):
    """The code that confirmed the setup is not remembered, so it also signs in once."""

    def save_device(self, token: str, code: str, device_name: str) -> None:
        super().save_device(token, code, device_name)
        device = self.state.users[self._session(token).username].device
        if device is not None:
            device.last_step -= 1


@variant("no_lockout", "SGN-06", "SEC-02", "SEC-11")
class NoLockout(Simulator):
    """Wrong codes can be tried without limit: never conformant, whatever lockout_after is declared."""

    def _locked(self, user: User) -> bool:
        return False


@variant("lockout_after_ten", "SGN-06", "SEC-02", "SEC-11", conformant_under={"lockout_after": 10})
class LockoutAfterTen(Simulator):
    """Code entry locks only after 10 wrong codes, not the reference's 5: correct when 10 is declared."""

    def _locked(self, user: User) -> bool:
        return user.wrong_codes >= 10


@variant("lockout_expires", "SGN-06")
class LockoutExpires(Simulator):
    """Locked code entry unlocks by itself after 15 minutes, without a reset, but the count of wrong
    codes does not start again: afterwards no number of wrong codes locks it. Broken also when a
    15-minute wait is declared (lockout_wait_minutes = 15)."""

    def _locked(self, user: User) -> bool:
        since: dict[str, float] = self.__dict__.setdefault("_locked_since", {})
        if user.wrong_codes < self.wrong_code_limit:
            since.pop(user.username, None)
            return False
        return self.clock() - since.setdefault(user.username, self.clock()) < 15 * 60


@variant("right_code_keeps_the_count", "SGN-06")
class RightCodeKeepsTheCount(Simulator):
    """A right code does not reset the count of wrong ones."""

    def submit_code(self, token: str, code: str) -> Stage:
        user = self.state.users[self._session(token).username]
        count = user.wrong_codes
        stage = super().submit_code(token, code)
        if stage is Stage.SIGNED_IN and count:
            user.wrong_codes = count
        return stage


# ── Enforcement ──────────────────────────────────────────────────────────────


@variant("enforcement_does_not_prompt_setup", "ENF-05", "ENF-04", "ENF-10", "REC-01", "REC-02", "REC-05", "ENF-20",
         "SGN-01", "ENF-03")
class EnforcementDoesNotPromptSetup(Simulator):
    """Under enforcement, a user without a device is signed in without the setup screen."""

    def sign_in(self, username: str, password: str, *, address: str = "127.0.0.1") -> tuple[str, Stage]:
        token, stage = super().sign_in(username, password, address=address)
        if stage is Stage.SETUP_REQUIRED:
            self.state.sessions[token].stage = stage = Stage.SIGNED_IN
        return token, stage


@variant("setup_screen_skippable", "ENF-10", "ENF-04", "ENF-05", "REC-01", "REC-02", "REC-05", "ENF-20", "SGN-01",
         "ENF-03")
class SetupScreenSkippable(Simulator):
    """A user at the forced setup screen can go on into the product."""

    def enter_application(self, token: str) -> None:
        if self._session(token).stage is not Stage.SETUP_REQUIRED:
            super().enter_application(token)


@variant("enforcement_exempts_account_holders", "ENF-03", "ENF-04", "SGN-01", "REC-05")
class EnforcementExemptsAccountHolders(Simulator):
    """Enforcement asks every user but the account holders to set up MFA."""

    def sign_in(self, username: str, password: str, *, address: str = "127.0.0.1") -> tuple[str, Stage]:
        token, stage = super().sign_in(username, password, address=address)
        if stage is Stage.SETUP_REQUIRED and self.state.users[username].account_holder:
            self.state.sessions[token].stage = stage = Stage.SIGNED_IN
        return token, stage


@variant("anyone_manages_security_settings", "ENF-11")
class AnyoneManagesSecuritySettings(Simulator):
    """Any signed-in user reaches Practice Security Settings and User Settings."""

    def _account_holder(self, token: str) -> tuple[User, Practice]:
        _, user = self._signed_in(token)
        return user, self.state.practices[user.practice]


@variant("enforcement_ends_open_sessions", "ENF-20", conformant_under={"enforcement_sessions": "ended"})
class EnforcementEndsOpenSessions(Simulator):
    """Switching enforcement on signs out everyone else in the practice at once: correct when declared."""

    def set_enforcement(self, token: str, enforced: bool) -> None:
        holder, practice = self._account_holder(token)
        super().set_enforcement(token, enforced)
        if enforced:
            for other in [t for t, s in self.state.sessions.items()
                          if s.username != holder.username and self.state.users[s.username].practice == practice.name]:
                del self.state.sessions[other]


# ── Disabling enforcement ────────────────────────────────────────────────────


@variant("enforcement_off_unenrolls_everyone", "DIS-01", "DIS-02", "DIS-20")
class EnforcementOffUnenrollsEveryone(Simulator):
    """Clearing the enforcement box removes every user's device."""

    def set_enforcement(self, token: str, enforced: bool) -> None:
        _, practice = self._account_holder(token)
        super().set_enforcement(token, enforced)
        if not enforced:
            for user in self.state.users.values():
                if user.practice == practice.name:
                    user.device = None


# ── User management ──────────────────────────────────────────────────────────


@variant("statuses_omit_account_holders", "MGT-01", "MGT-21")
class StatusesOmitAccountHolders(Simulator):
    """User Settings lists the practice's users but not its account holders."""

    def user_statuses(self, token: str) -> list[UserView]:
        return [view for view in super().user_statuses(token) if not view.account_holder]


@variant("lists_other_practices", "MGT-10")
class ListsOtherPractices(Simulator):
    """User Settings lists the users of every practice."""

    def user_statuses(self, token: str) -> list[UserView]:
        self._account_holder(token)
        return [self._view(u) for u in sorted(self.state.users.values(), key=lambda u: u.username)]


@variant("search_matches_prefixes", "MGT-04", "MGT-03")
class SearchMatchesPrefixes(Simulator):
    """Search finds a user from the start of their username."""

    def find_user(self, token: str, username: str) -> UserView | None:
        _, practice = self._account_holder(token)
        for user in sorted(self.state.users.values(), key=lambda u: u.username):
            if user.practice == practice.name and username and user.username.startswith(username):
                return self._view(user)
        return None


@variant("search_ignores_case", "MGT-20", conformant_under={"username_search": "case-insensitive"})
class SearchIgnoresCase(Simulator):
    """Search matches the username in any letter case: correct when declared case-insensitive."""

    def find_user(self, token: str, username: str) -> UserView | None:
        _, practice = self._account_holder(token)
        for user in self.state.users.values():
            if user.practice == practice.name and user.username.casefold() == username.casefold():
                return self._view(user)
        return None


@variant("search_finds_other_practices", "MGT-10")
class SearchFindsOtherPractices(Simulator):
    """Search finds a user of any practice."""

    def find_user(self, token: str, username: str) -> UserView | None:
        self._account_holder(token)
        user = self.state.users.get(username)
        return None if user is None else self._view(user)


@variant("resets_other_practices_users", "MGT-10")
class ResetsOtherPracticesUsers(Simulator):
    """An account holder can reset the MFA of a user of another practice."""

    def reset_mfa(self, token: str, username: str) -> None:
        holder, _ = self._account_holder(token)
        user = self.state.users.get(username)
        if user is None:
            raise UnknownUser()
        if user.username == holder.username:
            raise SelfResetRefused()
        self._reset(user)


@variant("self_reset_allowed", "MGT-21", conformant_under={"self_reset": "allowed"})
class SelfResetAllowed(Simulator):
    """An account holder can reset their own MFA: correct when declared allowed."""

    def reset_mfa(self, token: str, username: str) -> None:
        _, practice = self._account_holder(token)
        user = self.state.users.get(username)
        if user is None or user.practice != practice.name:
            raise UnknownUser()
        self._reset(user)


# ── Lockout and recovery ─────────────────────────────────────────────────────


@variant("reset_keeps_the_device", "MGT-05", "DIS-02", "REC-01", "REC-02", "REC-03", "REC-04", "REC-05", "ENR-04",
         "SGN-06")
class ResetKeepsTheDevice(Simulator):
    """Reset MFA clears the lock and ends sessions but leaves the device in place."""

    def _reset(self, user: User) -> None:
        user.wrong_codes = 0
        for token in [t for t, s in self.state.sessions.items() if s.username == user.username]:
            del self.state.sessions[token]


@variant("reset_keeps_the_lock", "SGN-06", "REC-01", "REC-05")
class ResetKeepsTheLock(Simulator):
    """Reset MFA removes the device but a locked-out user stays locked."""

    def _reset(self, user: User) -> None:
        count = user.wrong_codes
        super()._reset(user)
        user.wrong_codes = count


@variant("reset_keeps_sessions", "REC-20", "SEC-04", conformant_under={"reset_sessions": "kept"})
class ResetKeepsSessions(Simulator):
    """Reset MFA leaves the user's signed-in sessions running: correct, for every scenario, when declared
    kept. A sign-in waiting for a code ends, as the alternative says: no device is left to give one."""

    def _reset(self, user: User) -> None:
        user.device = None
        user.wrong_codes = 0
        for token in [t for t, s in self.state.sessions.items()
                      if s.username == user.username and s.stage is Stage.CODE_REQUIRED]:
            del self.state.sessions[token]


@variant("support_cannot_reset_account_holders", "REC-05", "SGN-06")
class SupportCannotResetAccountHolders(Simulator):
    """Vendor support's console refuses to reset an account holder."""

    def support_reset_mfa(self, username: str) -> None:
        user = self.state.users.get(username)
        if user is not None and user.account_holder:
            raise UnknownUser("No user with that username.")
        super().support_reset_mfa(username)


# ── IP safelist ──────────────────────────────────────────────────────────────


def _sign_in_past_the_safelist(sim: Simulator, username: str, password: str, address: str) -> tuple[str, Stage]:
    """Sign in as if the user's practice had an empty safelist, leaving the saved one as it was."""
    practice = sim.state.practices[sim.state.users[username].practice]
    saved, practice.safelist = practice.safelist, ()
    try:
        return Simulator.sign_in(sim, username, password, address=address)
    finally:
        practice.safelist = saved


@variant("safelist_ignored", "SAF-20")
class SafelistIgnored(Simulator):
    """The IP safelist is saved but never checked at sign-in."""

    def sign_in(self, username: str, password: str, *, address: str = "127.0.0.1") -> tuple[str, Stage]:
        if username not in self.state.users:
            return super().sign_in(username, password, address=address)
        return _sign_in_past_the_safelist(self, username, password, address)


@variant("safelist_skipped_for_enrolled_users", "SAF-20")
class SafelistSkippedForEnrolledUsers(Simulator):
    """A user with an MFA device signs in from any address; the safelist binds only the others."""

    def sign_in(self, username: str, password: str, *, address: str = "127.0.0.1") -> tuple[str, Stage]:
        user = self.state.users.get(username)
        if user is None or user.device is None:
            return super().sign_in(username, password, address=address)
        return _sign_in_past_the_safelist(self, username, password, address)


@variant("safelist_exempts_from_mfa", "SAF-22", conformant_under={"safelist_spares_code": "yes"})
class SafelistExemptsFromMfa(Simulator):
    """A sign-in from a safelisted address skips the code: correct when declared."""

    def sign_in(self, username: str, password: str, *, address: str = "127.0.0.1") -> tuple[str, Stage]:
        token, stage = super().sign_in(username, password, address=address)
        if stage is Stage.CODE_REQUIRED and self.state.practices[self.state.users[username].practice].safelist:
            self.state.sessions[token].stage = stage = Stage.SIGNED_IN
        return token, stage


@variant("safelist_widens_mistyped_ranges", "SAF-21", conformant_under={"safelist_host_bits": "normalised"})
class SafelistWidensMistypedRanges(Simulator):
    """A range with host bits set is silently widened instead of refused: correct when declared normalised."""

    def set_safelist(self, token: str, entries: Iterable[str]) -> None:
        _, practice = self._account_holder(token)
        widened = []
        for entry in entries:
            try:
                widened.append(str(ipaddress.ip_network(entry.strip(), strict=False)))
            except ValueError:
                raise InvalidSafelistEntry(f"{entry!r} is not an IP address or CIDR range.") from None
        practice.safelist = tuple(widened)


@variant("safelist_saves_the_valid_part", "SAF-21")
class SafelistSavesTheValidPart(Simulator):
    """An invalid entry is refused, but the entries before it are saved."""

    def set_safelist(self, token: str, entries: Iterable[str]) -> None:
        _, practice = self._account_holder(token)
        kept: list[str] = []
        for entry in entries:
            try:
                kept.extend(parse_safelist([entry]))
            except InvalidSafelistEntry:
                practice.safelist = tuple(kept)
                raise
        practice.safelist = tuple(kept)


from . import security_mutants  # noqa: E402,F401  (registers the security checks' variants)

# One zero-argument factory per variant, for --sut tests.mutants:<name>.
for _variant in VARIANTS.values():
    globals()[_variant.name] = _variant.factory
    __all__.append(_variant.name)
del _variant
