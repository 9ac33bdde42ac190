"""Where the how-to leaves a choice, which reading this simulator takes.

The defaults are the reference's readings (features/requirements.toml). Every
other defensible reading (features/positions.toml) is an option here, so each
alternative a product may declare has a working reference to check the suite
against: the simulator configured with it must pass every scenario of that
declaration, and fail under another.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Options", "WRONG_CODE_LIMIT"]

WRONG_CODE_LIMIT = 5
"""Consecutive wrong sign-in codes before code entry locks (NIST SP 800-63B allows at most 100)."""


@dataclass(frozen=True)
class Options:
    wrong_code_limit: int = WRONG_CODE_LIMIT
    """Code entry locks at this many wrong codes in a row."""
    lock_shown_next: bool = False
    """The wrong code that locks code entry is answered as wrong; the lock shows from the next attempt.
    The how-to does not say which answer announces the lock: not a position, both readings pass."""
    lockout_wait: float = 0.0
    """Seconds after which locked code entry unlocks by itself; 0: only a reset unlocks it."""
    drift_steps: int = 1
    """Time steps of clock drift accepted either side, at sign-in and at setup."""
    search_ignores_case: bool = False
    """The exact-username search matches the username in any letter case."""
    self_reset: bool = False
    """An account holder may reset their own MFA in User Settings."""
    reset_ends_sessions: bool = True
    """A reset ends the user's open sessions."""
    enforcement_ends_sessions: bool = False
    """Switching enforcement on ends the open sessions of the practice's other users."""
    safelist_normalises: bool = False
    """A safelist range with host bits set is saved as its network instead of refused."""
    safelist_spares_code: bool = False
    """A sign-in from an address on a non-empty safelist skips the code."""
    safelist_exempts_holders: bool = False
    """The safelist does not bind account holders."""
    several_devices: bool = False
    """An enrolled user may add more devices."""
    safelist_like_wrong_password: bool = False
    """From outside the safelist any password is answered, and counted, exactly as a wrong one."""
    password_reset: bool = False
    """A user who forgot her password may reset it herself (password_reset.py); the reference has none."""
    password_reset_signs_out: bool = False
    """After a password reset the user is at the sign-in page, not the code prompt. The how-to has no
    password reset: not a position, both answers keep the second factor."""
