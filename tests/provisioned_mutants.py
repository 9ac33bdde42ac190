"""Broken simulators behind the pre-provisioned driver (no seeding): the
suite must still catch them when every scenario starts from accounts that
earlier scenarios left behind."""

from __future__ import annotations

from mfa_conformance.driver.provisioned import ProvisionedSystem

from .mutants import NoLockout, ResetKeepsTheDevice, SecondDeviceAllowed

__all__ = ["no_lockout", "reset_keeps_the_device", "second_device_allowed", "holder_enrolled_elsewhere",
           "user_enrolled_elsewhere"]


def no_lockout() -> ProvisionedSystem:
    return ProvisionedSystem(make=NoLockout)


def reset_keeps_the_device() -> ProvisionedSystem:
    return ProvisionedSystem(make=ResetKeepsTheDevice)


def second_device_allowed() -> ProvisionedSystem:
    return ProvisionedSystem(make=SecondDeviceAllowed)


def _enrolled_elsewhere(name: str, *, support_console: bool) -> ProvisionedSystem:
    """A staging system on which `name` set up MFA on a phone the harness never saw."""
    from mfa_conformance.people.authenticator import AuthenticatorApp

    system = ProvisionedSystem(support_console=support_console)
    account = system.persona(name, practice=system.profile_practice("Riverside Clinic", mfa_available=True))
    assert account is not None
    phone = AuthenticatorApp(now=system.now, wait_until=lambda when: system.advance(when - system.now()))
    session = system.sign_in(account.username, account.password)
    phone.scan(session.open_mfa_configuration(None).qr_png)
    session.save_device(phone.current_code(), "a phone nobody here holds")
    session.sign_out()
    return system


def holder_enrolled_elsewhere() -> ProvisionedSystem:
    """Dana set up MFA on a phone the harness never saw, and there is no support console."""
    return _enrolled_elsewhere("Dana", support_console=False)


def user_enrolled_elsewhere() -> ProvisionedSystem:
    """Erin set up MFA on a phone the harness never saw; her account holder can reset it."""
    return _enrolled_elsewhere("Erin", support_console=False)
