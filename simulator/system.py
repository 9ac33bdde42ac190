"""The reference simulator: one object holding one vendor's whole MFA world."""

from __future__ import annotations

import threading
from dataclasses import replace

from .accounts import Accounts
from .clock import Clock, system_clock
from .enforcement import Enforcement
from .enrollment import Enrollment
from .guessing import PASSWORD_GUESS_LIMIT
from .renewal import SessionRenewal
from .options import Options
from .password_reset import PasswordReset
from .safelist import SafelistSettings
from .signing_in import SigningIn
from .state import State
from .support import Support

__all__ = ["Simulator"]


class Simulator(Accounts, SigningIn, Enrollment, Enforcement, SafelistSettings, Support, SessionRenewal,
                PasswordReset):
    """Every documented action, as methods taking a session token.

    Each method either completes or raises an `MfaError` having changed nothing.
    Where the how-to leaves a choice, `options` says which reading it takes
    (the reference's by default; `wrong_code_limit` is a shorthand for one).
    """

    def __init__(self, *, clock: Clock = system_clock, state: State | None = None,
                 wrong_code_limit: int | None = None, options: Options | None = None,
                 password_guess_limit: int | None = PASSWORD_GUESS_LIMIT) -> None:
        self.clock = clock
        self.state = state if state is not None else State()
        options = options or Options()
        self.options = options if wrong_code_limit is None else replace(options, wrong_code_limit=wrong_code_limit)
        self.password_guess_limit = password_guess_limit
        self.lock = threading.RLock()
