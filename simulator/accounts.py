"""Practices and their users, as seeded by an operator or a test."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable

from . import totp
from .base import Base
from .enrollment import ISSUER
from .errors import DuplicateName, MfaNotAvailable, UnknownUser
from .safelist import parse_safelist
from .state import Device, Practice, User

__all__ = ["Accounts", "hash_password", "password_matches"]


PASSWORD_COST = 2**4
"""scrypt's work factor. The simulator guards throw-away test accounts, so the
cost is kept minimal: what matters is that a dump of its state holds no password."""


def hash_password(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=PASSWORD_COST, r=8, p=1)


def password_matches(user: User, password: str) -> bool:
    return hmac.compare_digest(hash_password(password, user.password_salt), user.password_hash)


class Accounts(Base):
    def create_practice(self, name: str, *, mfa_available: bool = True) -> None:
        if name in self.state.practices:
            raise DuplicateName(f"A practice named {name!r} already exists.")
        self.state.practices[name] = Practice(name=name, mfa_available=mfa_available)

    def create_user(self, practice: str, username: str, password: str, *, account_holder: bool = False) -> None:
        if practice not in self.state.practices:
            raise UnknownUser(f"No practice named {practice!r}.")
        if username in self.state.users:
            raise DuplicateName(f"The username {username!r} is taken.")
        salt = secrets.token_bytes(16)
        self.state.users[username] = User(
            username=username,
            practice=practice,
            password_salt=salt,
            password_hash=hash_password(password, salt),
            account_holder=account_holder,
        )

    # A starting state set directly, as the test hooks' state seeding does: the same state the
    # screens would have left, without walking them (the enrollment's code is not spent).
    def seed_device(self, username: str, device_name: str) -> str:
        """An enrolled device for the user; returns its Key URI, as its QR code would hold it."""
        user = self.state.users.get(username)
        if user is None:
            raise UnknownUser(f"No user named {username!r}.")
        practice = self._may_enroll(user)
        secret = totp.new_secret()
        self._add_device(user, Device(name=device_name.strip(), secret=secret, last_step=-1))
        return totp.provisioning_uri(secret, account=user.username, issuer=f"{ISSUER} {practice.name}")

    def seed_practice_settings(self, practice: str, *, enforced: bool | None = None,
                               safelist: Iterable[str] | None = None) -> None:
        found = self.state.practices.get(practice)
        if found is None:
            raise UnknownUser(f"No practice named {practice!r}.")
        if enforced and not found.mfa_available:
            raise MfaNotAvailable()
        entries = None if safelist is None else parse_safelist(safelist, normalise=self.options.safelist_normalises)
        if enforced is not None:
            found.enforced = enforced
        if entries is not None:
            found.safelist = entries
