"""The refusals a system under test reports, by name.

A driver translates its system's refusal (an exception, an error page, a status
code) into one of these, so steps can say which refusal they expect. `str()` of
each is the one line the system showed, or a default. A refusal the driver
cannot name is a plain `Refused` with the system's words; its `unrecognisable`
says which named refusals the driver had no means to recognise, so a step that
expects one of those is "cannot tell" with that reason rather than failed.
"""

from collections.abc import Mapping

__all__ = [
    "Refused",
    "WrongCredentials",
    "AddressNotAllowed",
    "MfaLocked",
    "CodeRejected",
    "CodeRequired",
    "SetupRequired",
    "SessionEnded",
    "MfaNotAvailable",
    "AlreadyEnrolled",
    "NoEnrollmentInProgress",
    "DeviceNameRequired",
    "NotAccountHolder",
    "UnknownUser",
    "SelfResetRefused",
    "InvalidSafelistEntry",
    "DuplicateName",
    "CapabilityMissing",
    "FeatureAbsent",
    "CannotTell",
    "RateLimited",
    "ServerError",
    "SystemUnreachable",
    "SutSpecError",
]


class Refused(Exception):
    """The system refused a documented action; nothing changed."""

    def __init__(self, message: str = "", *, unrecognisable: Mapping[str, str] | None = None) -> None:
        super().__init__(message or type(self).__name__)
        self.unrecognisable: Mapping[str, str] = dict(unrecognisable or {})
        """For a refusal the driver could not name: each named refusal (by class name) it
        has no means to recognise, with why (a browser profile's missing [refusals] key)."""


class WrongCredentials(Refused):
    """Unknown username or wrong password; which one is not said."""


class AddressNotAllowed(Refused):
    """The client address is outside the practice's IP safelist."""


class MfaLocked(Refused):
    """Too many consecutive wrong codes; code entry is locked until MFA is reset."""


class CodeRejected(Refused):
    """A wrong, expired, replayed or foreign one-time code."""


class CodeRequired(Refused):
    """The session still waits for a one-time code."""


class SetupRequired(Refused):
    """The practice requires MFA and the user has not set it up yet."""


class SessionEnded(Refused):
    """The session no longer exists (signed out, or ended by a reset)."""


class MfaNotAvailable(Refused):
    """The practice does not have MFA."""


class AlreadyEnrolled(Refused):
    """The user already has a device; one device per user."""


class NoEnrollmentInProgress(Refused):
    """A device was saved without a QR code having been shown first."""


class DeviceNameRequired(Refused):
    """The device name was empty."""


class NotAccountHolder(Refused):
    """Only account holders reach Practice Security Settings and User Settings."""


class UnknownUser(Refused):
    """No such user (in the actor's practice)."""


class SelfResetRefused(Refused):
    """An account holder tried to reset their own MFA."""


class InvalidSafelistEntry(Refused):
    """An IP safelist entry is not an address or CIDR range."""


class DuplicateName(Refused):
    """Seeding: a practice or username that already exists."""


class CapabilityMissing(Exception):
    """The system under test does not offer an optional capability a scenario needs."""

    def __init__(self, capability: object) -> None:
        self.capability = capability
        super().__init__(f"the system under test lacks the capability {capability}")


class FeatureAbsent(AssertionError):
    """The product lacks what the how-to describes and a requirement needs: a finding
    (the requirement fails, naming what is missing), not a capability of the harness."""

    def __init__(self, feature: object, message: str) -> None:
        self.feature = feature
        super().__init__(message)


class CannotTell(Exception):
    """The screen shows neither that an action took effect nor that it was refused: where the
    driver looks (a profile's keys) does not fit the product. No verdict, never a product failure.
    `str()` says what could not be told, the page, and the keys that would say where to look."""


class RateLimited(Exception):
    """The product kept answering "too many requests" for longer than the run may wait."""


class ServerError(Exception):
    """The product answered an action with a server error (HTTP 5xx): the page shows neither that the
    action took effect nor that it was refused. No verdict on a requirement, and no refusal either: the
    action may have been half done. `str()` names the status and the page; the product's log says why."""


class SystemUnreachable(Exception):
    """The system under test did not answer."""


class SutSpecError(Exception):
    """The --sut value does not name a usable system; one line for the user. A factory may raise
    it to say why it cannot open its system: the line reaches the user as it is."""
