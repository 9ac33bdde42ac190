"""The model's state: practices, users, their devices and sessions, as the how-to has them.

`explore.model.HowTo` holds this state and changes it as each documented action
should; here are the records it keeps and the rules of time, codes and safelists
they are read with (SGN-02, SGN-03, SGN-06, SAF-21), and the declared positions
(`Rules`) it predicts with where the how-to leaves a choice.

The state never holds a TOTP secret: a code is known only by which key it was
computed from (`Code.key`, a number the explorer gives each scanned QR code) and
for which 30-second time step (`Code.step`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

__all__ = [
    "PERIOD",
    "DRIFT_STEPS",
    "WRONG_CODE_LIMIT",
    "Rules",
    "Code",
    "Standing",
    "Device",
    "SessionState",
    "Practice",
    "User",
    "time_step",
    "canonical_safelist",
    "allows",
]

PERIOD = 30
"""SGN-02: a 30-second time step."""
DRIFT_STEPS = 1
"""SGN-03: one time step of tolerance either side."""
WRONG_CODE_LIMIT = 5
"""SGN-06: five wrong codes in a row lock code entry (the reference's lockout_after)."""


@dataclass(frozen=True)
class Rules:
    """What the model predicts where the how-to leaves a choice: the declared positions
    (features/positions.toml), read here in the model's own words; the defaults are the
    catalogue's readings. Written from the positions catalogue, not from the simulator."""

    lockout_after: int = WRONG_CODE_LIMIT
    lockout_wait: float = 0.0
    """Seconds after which locked code entry unlocks by itself; 0: never (only a reset)."""
    drift_steps: int = DRIFT_STEPS
    search_ignores_case: bool = False
    self_reset: bool = False
    reset_ends_sessions: bool = True
    enforcement_ends_sessions: bool = False
    safelist_normalises: bool = False
    safelist_spares_code: bool = False
    safelist_exempts_holders: bool = False
    several_devices: bool = False
    safelist_like_wrong_password: bool = False
    """The right password from outside the safelist is answered as a wrong one (safelist_refusal)."""

    @classmethod
    def declared(cls, positions: Mapping[str, object]) -> Rules:
        get = positions.get
        return cls(
            lockout_after=int(get("lockout_after", WRONG_CODE_LIMIT)),  # type: ignore[call-overload]
            lockout_wait=60.0 * int(get("lockout_wait_minutes", 0)),  # type: ignore[call-overload]
            drift_steps=int(get("drift_steps", DRIFT_STEPS)),  # type: ignore[call-overload]
            search_ignores_case=get("username_search") == "case-insensitive",
            self_reset=get("self_reset") == "allowed",
            reset_ends_sessions=get("reset_sessions", "ended") == "ended",
            enforcement_ends_sessions=get("enforcement_sessions") == "ended",
            safelist_normalises=get("safelist_host_bits") == "normalised",
            safelist_spares_code=get("safelist_spares_code") == "yes",
            safelist_exempts_holders=get("safelist_account_holders") == "exempt",
            several_devices=get("devices_per_user") == "several",
            safelist_like_wrong_password=get("safelist_refusal") == "like-wrong-password",
        )


def time_step(unix_time: float) -> int:
    return int(unix_time // PERIOD)


@dataclass(frozen=True)
class Code:
    """A one-time code as the model knows it: from which key, for which time step.

    `key` is None for a code made up to be wrong (it matches no key)."""

    key: int | None
    step: int


class Standing(str, Enum):
    """Where a persona's current session stands."""

    CODE_REQUIRED = "code required"
    SETUP_REQUIRED = "setup required"
    SIGNED_IN = "signed in"
    ENDED = "ended"
    """Ended by a reset (REC-20) or by signing out."""
    LOCKED_OUT = "locked out"
    """Code entry locked in this session; the catalogue does not say what the session does next."""

    @property
    def alive(self) -> bool:
        return self in (Standing.CODE_REQUIRED, Standing.SETUP_REQUIRED, Standing.SIGNED_IN)


@dataclass
class Device:
    name: str
    key: int
    last_step: int
    """SGN-05: the last accepted time step (the setup code counts); only later ones are accepted."""
    rests_on: frozenset[str]


@dataclass
class SessionState:
    standing: Standing
    pending_key: int | None = None
    """The key of the QR code shown on the MFA Configuration page, not yet saved."""
    ended_by: frozenset[str] = frozenset({"REC-20"})
    """Why an ended session ended: a reset (REC-20) or switching enforcement on (ENF-20)."""


@dataclass
class Practice:
    name: str
    mfa_available: bool
    enforced: bool = False
    switched_off: bool = False
    """Enforcement was on and has been switched off since (DIS-01 applies)."""
    safelist: tuple[str, ...] = ()


@dataclass
class User:
    persona: str
    username: str
    practice: str
    holder: bool
    devices: list[Device] = field(default_factory=list)
    """One device, or (devices_per_user = several) more, in the order they were saved."""
    retired_keys: set[int] = field(default_factory=set)
    """Keys of devices a reset removed (MGT-05)."""
    wrong_codes: int = 0
    locked_at: float | None = None
    reset_by: frozenset[str] = frozenset()
    """Why the user has no device: the reset's requirement IDs."""
    session: SessionState | None = None

    @property
    def device(self) -> Device | None:
        return self.devices[0] if self.devices else None


def canonical_safelist(entries: list[str], *, normalise: bool = False) -> tuple[str, ...] | str:
    """SAF-21: the entries in canonical form, or the first entry that is not an address or CIDR range
    (with `normalise`, a range with host bits set is its network instead)."""
    parsed = []
    for entry in entries:
        text = entry.strip()
        try:
            parsed.append(str(ipaddress.ip_network(text, strict=not normalise)))
        except ValueError:
            return entry
    return tuple(parsed)


def allows(safelist: tuple[str, ...], address: str) -> bool:
    if not safelist:
        return True
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(client in ipaddress.ip_network(entry) for entry in safelist)
