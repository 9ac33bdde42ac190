"""Broken variants of the reference simulator whose fault shows only after three
or more documented actions: the targets that show exploration finds what
hand-written scenarios miss. The first two pass every scenario of features/;
against the third, two scenarios fail (unlocking by a reset, REC-01 and REC-05).

Select one with `--sut tests.deep_mutants:<factory>` (each factory takes no
arguments and returns an in-process system over the broken simulator).
"""

from __future__ import annotations

from mfa_conformance.driver.inprocess import InProcessSystem
from mfa_conformance.simulator import Simulator
from mfa_conformance.simulator.state import User

__all__ = [
    "MUTANTS",
    "reset_after_reenforcing_keeps_device",
    "support_reset_keeps_replay_state",
    "reset_keeps_lock_count",
]


class ResetAfterReenforcingKeepsDevice(Simulator):
    """Once the holder has saved enforcement switched off (even while it was off),
    a reset made while enforcement is on leaves the device in place (the reset
    still ends sessions and lifts the lock).

    Shows after: the holder stops and starts enforcing, a user sets up MFA, and
    is reset, by the holder or by support: the user stays enrolled (MGT-05)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._switched_off: set[str] = set()

    def set_enforcement(self, token: str, enforced: bool) -> None:
        _, practice = self._account_holder(token)
        super().set_enforcement(token, enforced)
        if not enforced:
            self._switched_off.add(practice.name)

    def _reset(self, user: User) -> None:
        practice = self.state.practices[user.practice]
        device = user.device
        super()._reset(user)
        if practice.enforced and practice.name in self._switched_off:
            user.device = device


class SupportResetKeepsReplayState(Simulator):
    """Vendor support's reset forgets the device but not its replay guard, and the
    guard then also applies to the next device's setup code: re-enrolling within
    the time step of the last accepted code is refused, though the code is valid.

    Shows after: a user sets up MFA, support resets them, they sign in and set
    up a new device at once (REC-04, REC-05, ENR-04)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._kept_steps: dict[str, int] = {}

    def support_reset_mfa(self, username: str) -> None:
        user = self.state.users.get(username)
        if user is not None and user.device is not None:
            self._kept_steps[username] = user.device.last_step
        super().support_reset_mfa(username)

    def save_device(self, token: str, code: str, device_name: str) -> None:
        from mfa_conformance.simulator import errors, totp

        session = self._session(token)
        kept = self._kept_steps.get(session.username)
        if kept is not None and session.pending_secret is not None and device_name.strip():
            step = totp.matching_step(session.pending_secret, code, unix_time=self.clock())
            if step is not None and step <= kept:
                raise errors.CodeRejected()
        super().save_device(token, code, device_name)
        self._kept_steps.pop(session.username, None)


class ResetKeepsLockCount(Simulator):
    """A reset removes the device but not the count of wrong codes, so a user who
    was locked out stays locked out after the reset that should unlock them.

    Shows after: a user sets up MFA, enters five wrong codes, is reset by the
    account holder and signs in again (SGN-06, REC-01)."""

    def _reset(self, user: User) -> None:
        wrong = user.wrong_codes
        super()._reset(user)
        user.wrong_codes = wrong


def reset_after_reenforcing_keeps_device() -> InProcessSystem:
    return InProcessSystem(make=ResetAfterReenforcingKeepsDevice)


def support_reset_keeps_replay_state() -> InProcessSystem:
    return InProcessSystem(make=SupportResetKeepsReplayState)


def reset_keeps_lock_count() -> InProcessSystem:
    return InProcessSystem(make=ResetKeepsLockCount)


MUTANTS = {
    "reset_after_reenforcing_keeps_device": reset_after_reenforcing_keeps_device,
    "support_reset_keeps_replay_state": support_reset_keeps_replay_state,
    "reset_keeps_lock_count": reset_keeps_lock_count,
}
"""Factory name -> factory, for `--sut tests.deep_mutants:<name>`."""
