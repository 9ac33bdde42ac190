"""The simulator's whole state as plain data, so an adapter can persist it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

__all__ = ["Stage", "Device", "User", "Practice", "Session", "PasswordGuesses", "State", "UserView"]


class Stage(str, Enum):
    """Where a session stands in the sign-in flow."""

    CODE_REQUIRED = "code required"
    SETUP_REQUIRED = "setup required"
    SIGNED_IN = "signed in"


@dataclass
class Device:
    name: str
    secret: str
    last_step: int
    """The last time step whose code was accepted; only later ones are (replay)."""


@dataclass
class User:
    username: str
    practice: str
    password_salt: bytes
    password_hash: bytes
    account_holder: bool = False
    device: Device | None = None
    more_devices: list[Device] = field(default_factory=list)
    """Devices added after the first, where the options allow several."""
    wrong_codes: int = 0
    """Consecutive wrong codes at sign-in; reaching the limit locks code entry."""
    locked_at: float | None = None
    """When code entry locked (for an option that lets waiting unlock it)."""


@dataclass
class Practice:
    name: str
    mfa_available: bool = True
    enforced: bool = False
    safelist: tuple[str, ...] = ()


@dataclass
class Session:
    token: str
    username: str
    stage: Stage
    pending_secret: str | None = None
    """The secret shown as a QR code and not yet confirmed with a code."""


@dataclass
class PasswordGuesses:
    """One username's consecutive wrong passwords, and until when its password sign-in is locked."""

    wrong: int
    locked_until: float | None = None


@dataclass
class State:
    practices: dict[str, Practice] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    password_guesses: dict[str, PasswordGuesses] = field(default_factory=dict)
    """By username, known or not (simulator/guessing.py)."""


@dataclass(frozen=True)
class UserView:
    """What an account holder (or the user) sees of a user's MFA."""

    username: str
    account_holder: bool
    enrolled: bool
    device_name: str | None
    locked: bool
