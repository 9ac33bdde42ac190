"""Broken simulators behind the pre-provisioned driver (no seeding): the
suite must still catch them when every scenario starts from accounts that
earlier scenarios left behind."""

from __future__ import annotations

from mfa_conformance.driver.provisioned import ProvisionedSystem

from .mutants import NoLockout, ResetKeepsTheDevice, SecondDeviceAllowed

__all__ = ["no_lockout", "reset_keeps_the_device", "second_device_allowed"]


def no_lockout() -> ProvisionedSystem:
    return ProvisionedSystem(make=NoLockout)


def reset_keeps_the_device() -> ProvisionedSystem:
    return ProvisionedSystem(make=ResetKeepsTheDevice)


def second_device_allowed() -> ProvisionedSystem:
    return ProvisionedSystem(make=SecondDeviceAllowed)
