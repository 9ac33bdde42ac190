"""Self-enrollment: Security -> Authenticator -> MFA Configuration.

One device per user: an enrolled user must have MFA reset before enrolling
another, unless the options allow several, when the same flow adds one. The
forced setup screen under enforcement is this same flow.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import totp
from .base import Base
from .errors import AlreadyEnrolled, CodeRejected, DeviceNameRequired, NoEnrollmentInProgress
from .qr import qr_png
from .state import Device, Stage, UserView

__all__ = ["Enrollment", "EnrollmentScreen", "SUGGESTED_APPS", "ISSUER"]

SUGGESTED_APPS = ("Google Authenticator", "Microsoft Authenticator", "Authy")
ISSUER = "Updox"


@dataclass(frozen=True)
class EnrollmentScreen:
    suggested_apps: tuple[str, ...]
    qr_png: bytes
    manual_key: str
    """The secret for typing in by hand; shown only on this screen, never logged."""

    def __repr__(self) -> str:
        return f"EnrollmentScreen(suggested_apps={self.suggested_apps!r}, qr_png=<{len(self.qr_png)} bytes>)"


class Enrollment(Base):
    def begin_enrollment(self, token: str) -> EnrollmentScreen:
        session = self._session(token)
        if session.stage is Stage.SETUP_REQUIRED:
            user = self.state.users[session.username]
        else:
            session, user = self._signed_in(token)
        practice = self._may_enroll(user)
        secret = totp.new_secret()
        session.pending_secret = secret
        uri = totp.provisioning_uri(secret, account=user.username, issuer=f"{ISSUER} {practice.name}")
        return EnrollmentScreen(suggested_apps=SUGGESTED_APPS, qr_png=qr_png(uri), manual_key=secret)

    def save_device(self, token: str, code: str, device_name: str) -> None:
        session = self._session(token)
        if session.pending_secret is None:
            raise NoEnrollmentInProgress()
        user = self.state.users[session.username]
        if user.device is not None and not self.options.several_devices:
            raise AlreadyEnrolled()
        name = device_name.strip()
        if not name:
            raise DeviceNameRequired()
        step = totp.matching_step(session.pending_secret, code, unix_time=self.clock(), drift=self.options.drift_steps)
        if step is None:
            raise CodeRejected()
        self._add_device(user, Device(name=name, secret=session.pending_secret, last_step=step))
        session.pending_secret = None
        if session.stage is Stage.SETUP_REQUIRED:
            session.stage = Stage.SIGNED_IN

    def mfa_status(self, token: str) -> UserView:
        _, user = self._signed_in(token)
        return self._view(user)
