"""Named refusals of the reference simulator.

Every refusal is raised before any state changes, so a caller that catches one
knows nothing happened, with deliberate exceptions: a wrong code at sign-in
counts towards the lockout (CodeRejected), and the code that reaches the limit
also ends the user's sessions (MfaLocked); a wrong password counts towards the
username's password lock (WrongCredentials). Adapters map these to messages or
status codes.
"""

__all__ = [
    "MfaError",
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
]


class MfaError(Exception):
    """Base of every refusal; `str()` is one line fit to show a person."""

    message = "The request was refused."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)


class WrongCredentials(MfaError):
    message = "Wrong username or password."


class AddressNotAllowed(MfaError):
    message = "Sign-in from this address is not allowed by the practice's IP safelist."


class MfaLocked(MfaError):
    message = "Too many wrong codes: ask your account holder to reset your MFA."


class CodeRejected(MfaError):
    message = "That code is not valid. Enter the current code from your authenticator app."


class CodeRequired(MfaError):
    message = "Enter the code from your authenticator app to finish signing in."


class SetupRequired(MfaError):
    message = "Your practice requires MFA: set up an authenticator app to continue."


class SessionEnded(MfaError):
    message = "Your session has ended. Sign in again."


class MfaNotAvailable(MfaError):
    message = "MFA is not available for this practice."


class AlreadyEnrolled(MfaError):
    message = "You already have an MFA device. Ask your account holder to reset it to set up another."


class NoEnrollmentInProgress(MfaError):
    message = "Open the MFA Configuration page and scan the QR code first."


class DeviceNameRequired(MfaError):
    message = "Name your device."


class NotAccountHolder(MfaError):
    message = "Only an account holder can do this."


class UnknownUser(MfaError):
    message = "No user with that username in your practice."


class SelfResetRefused(MfaError):
    message = "Account holders cannot reset their own MFA: contact vendor support."


class InvalidSafelistEntry(MfaError):
    message = "Not an IP address or range."


class DuplicateName(MfaError):
    message = "That name is already taken."
