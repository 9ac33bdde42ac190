"""The one interface through which every scenario drives a system under test.

Steps call these methods and assert on what they return; they never see how a
system is reached (in-process object, browser, a vendor's own client). A driver
implements `SystemUnderTest` and `Session`, raises the refusals named in
`driver.errors`, and declares which optional `Capability`s it offers. A method
of a capability the system lacks raises `CapabilityMissing`; scenarios that
need it are skipped with the capability named, never passed.

Vendors: see docs/driver-interface.md and examples/vendor_driver/.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from types import MappingProxyType

from .errors import CapabilityMissing, FeatureAbsent, Refused

__all__ = [
    "Capability",
    "Detail",
    "Feature",
    "Stage",
    "EnrollmentScreen",
    "UserStatus",
    "Account",
    "Page",
    "CodeAnswer",
    "Session",
    "SystemUnderTest",
]


class Capability(str, Enum):
    """Optional powers of a system under test, beyond the documented actions."""

    SEEDING = "seeding"
    """Create practices and users on demand (otherwise personas come from a profile)."""
    CLOCK = "clock"
    """Set and move the system's clock."""
    SUPPORT_CONSOLE = "support-console"
    """Act as vendor support, who resets the MFA of any user."""
    CLIENT_ADDRESS = "client-address"
    """Sign in as if from a chosen IP address."""
    CONCURRENT_SESSIONS = "concurrent-sessions"
    """Send codes from several sessions at the same moment (`SystemUnderTest.submit_codes_at_once`)."""
    SESSION_COPY = "session-copy"
    """Use a copy of a session, as whoever took its cookie or token would (`Session.copy`)."""
    SESSION_IDENTIFIER = "session-identifier"
    """Read the identifier a session is known by (`Session.identifier`), to see it change."""
    STATE_SEEDING = "state-seeding"
    """Give an account a device and a practice its settings directly (`seed_device`,
    `seed_practice_settings`): a scenario reaches its starting state without walking
    screens it is not about, and walks them where it is."""
    PAGES_VISITED = "pages-visited"
    """Tell every page (screen, response) the system showed in the scenario and where it came from
    (`SystemUnderTest.pages_visited`)."""

    def __str__(self) -> str:
        return self.value

    PASSWORD_RESET = "password-reset"
    """Reset a user's forgotten password as the product lets her (`SystemUnderTest.reset_password`);
    asked of a product that declares one (password_reset = offered) only."""


class Detail(str, Enum):
    """What a system's screens may show beyond what the how-to says they show.

    The how-to has a user name their device, but never says where that name is
    shown again: a product may show it in User Settings, on the user's own
    Authenticator page, or nowhere. A step that would check a detail the
    system does not show checks the rest (the MFA status beside it), and its
    scenario's report lists the detail as unchecked with the system's reason.
    """

    DEVICE_NAMES = "device names in User Settings"
    """`UserStatus.device_name` of the users User Settings list (`user_statuses`, `find_user`)."""
    OWN_DEVICE_NAME = "the device name in a user's own MFA status"
    """`UserStatus.device_name` of `own_mfa_status`."""

    def __str__(self) -> str:
        return self.value


class Feature(str, Enum):
    """What the how-to describes that a product may lack altogether (read after "the product has no").

    A product without one is checked all the same: each requirement that needs
    it fails, naming it (the how-to says the product should have it), and the
    preparation of every other scenario leaves it alone.
    """

    DEVICE_NAME = "device name at setup"
    SUGGESTED_APPS = "suggested authenticator apps"
    ENFORCEMENT = "enforcement of MFA for all users"
    SAFELIST = "IP safelist"
    SETUP_SCREEN = "setup screen at sign-in under enforcement"
    USER_SEARCH = "search of User Settings by username"

    def __str__(self) -> str:
        return self.value


class Stage(str, Enum):
    """Where a session stands after the password."""

    SIGNED_IN = "signed in"
    CODE_REQUIRED = "code required"
    SETUP_REQUIRED = "setup required"


@dataclass(frozen=True)
class EnrollmentScreen:
    """The MFA Configuration page as a user sees it."""

    suggested_apps: tuple[str, ...]
    qr_png: bytes
    """The QR code exactly as displayed (PNG); the harness decodes it as a phone would."""

    def __repr__(self) -> str:  # never print what the QR code holds
        return f"EnrollmentScreen(suggested_apps={self.suggested_apps!r}, qr_png=<{len(self.qr_png)} bytes>)"


@dataclass(frozen=True)
class UserStatus:
    """One row of User Settings: a user and their MFA status."""

    username: str
    enrolled: bool
    device_name: str | None = None
    """None when not enrolled, or where the screen shows no device name (see `Detail`)."""
    account_holder: bool = False


@dataclass(frozen=True)
class Account:
    """Who plays a persona: the practice, the username and the password."""

    practice: str
    username: str
    password: str
    account_holder: bool = False

    def __repr__(self) -> str:  # the password stays out of logs and reports
        return f"Account(practice={self.practice!r}, username={self.username!r}, account_holder={self.account_holder})"


@dataclass(frozen=True)
class Page:
    """One page (or screen, or response) the system showed, as the driver received it:
    where it came from (a URL, or the driver's name for a screen) and all it held.

    `unread`: the driver knows the page held text it could not read (a browser drops a body
    once the next page loads), so a check that the page holds no secret cannot vouch for it."""

    address: str
    content: str = ""
    unread: bool = False

    def __repr__(self) -> str:  # either may hold a secret when a system leaks one
        return (f"Page(address=<{len(self.address)} chars>, content=<{len(self.content)} chars>"
                f"{', unread' if self.unread else ''})")


CodeAnswer = Stage | Refused
"""What one session made of a code sent with others at once: where it stands, or the refusal."""


class Session(ABC):
    """One person's browser session, from the password on."""

    @property
    @abstractmethod
    def stage(self) -> Stage: ...

    @abstractmethod
    def submit_code(self, code: str) -> Stage:
        """Answer the code prompt. Raises CodeRejected or MfaLocked."""

    @abstractmethod
    def enter_application(self) -> None:
        """Use the product. Raises CodeRequired, SetupRequired or SessionEnded until fully signed in."""

    @abstractmethod
    def sign_out(self) -> None: ...

    # Self-enrollment: profile -> Security (new tab) -> Authenticator -> MFA Configuration,
    # or the forced setup screen under enforcement.
    @abstractmethod
    def open_mfa_configuration(self, authenticator: str | None = None) -> EnrollmentScreen:
        """Choose an authenticator (a suggested app, or None for another TOTP app) and show its QR code.

        Raises MfaNotAvailable or AlreadyEnrolled."""

    @abstractmethod
    def save_device(self, code: str, device_name: str) -> None:
        """Enter the app's one-time code, name the device, Save. Raises CodeRejected or DeviceNameRequired."""

    @abstractmethod
    def own_mfa_status(self) -> UserStatus:
        """The signed-in user's own MFA status, as their Authenticator page shows it."""

    # Account holder: Menu -> Admin -> Practice Security Settings (NotAccountHolder for anyone else).
    @abstractmethod
    def enforcement(self) -> bool: ...

    @abstractmethod
    def set_enforcement(self, enforced: bool) -> None:
        """Check or clear "enforce MFA for ALL users". Raises MfaNotAvailable when switching on without MFA."""

    @abstractmethod
    def safelist(self) -> tuple[str, ...]: ...

    @abstractmethod
    def set_safelist(self, entries: list[str]) -> None:
        """Replace the IP Safelist. Raises InvalidSafelistEntry naming the bad entry; nothing is saved then."""

    # Account holder: Security Settings -> User Settings.
    @abstractmethod
    def user_statuses(self) -> list[UserStatus]:
        """Every user of the holder's practice with their MFA status."""

    @abstractmethod
    def find_user(self, username: str) -> UserStatus | None:
        """Search User Settings; None when the search finds nobody."""

    @abstractmethod
    def reset_mfa(self, username: str) -> None:
        """Select the user and press Reset MFA. Raises UnknownUser or SelfResetRefused."""

    # For the security checks (features/security.feature)
    def copy(self) -> Session:
        """Another handle on this very session, as someone who took its cookie or token
        now would hold it: its own browser (or client), the session's identifier as of now.
        Needs Capability.SESSION_COPY."""
        raise CapabilityMissing(Capability.SESSION_COPY)

    def identifier(self) -> str:
        """The identifier the system knows this session by right now (a cookie's value, a
        token). A secret: the harness only compares it, never shows or keeps it.
        Needs Capability.SESSION_IDENTIFIER."""
        raise CapabilityMissing(Capability.SESSION_IDENTIFIER)


class SystemUnderTest(ABC):
    """A system whose MFA behaviour is checked against the how-to."""

    name: str = "system under test"
    capabilities: frozenset[Capability] = frozenset()
    code_latency: float = 2.0
    """Seconds between computing a code and the system checking it; a phone waits
    for a fresh time step rather than send a code this close to expiring."""
    shows: frozenset[Detail] = frozenset(Detail)
    """The details the system's screens show: all of them unless the driver says otherwise."""

    def not_shown(self, detail: Detail) -> str:
        """Why the system does not show `detail`, as the reports say beside a scenario that left it
        unchecked (a driver with a profile names the profile key it lacks)."""
        return f"the system under test does not show {detail}"

    positions: Mapping[str, object] = MappingProxyType({})
    """Where the how-to leaves a choice, the alternatives this system takes
    (features/positions.toml), e.g. {"lockout_after": 10}; what it does not
    declare is the reference default. The scenarios check what is declared:
    a declaration is never a waiver."""

    lacks: frozenset[Feature] = frozenset()
    """What the how-to describes that the product does not have (see `Feature`)."""

    def lacking(self, feature: Feature) -> FeatureAbsent:
        """The failure of a requirement that needs `feature`, which the product lacks
        (a driver with a profile names the profile key that says so)."""
        return FeatureAbsent(feature, f"the product has no {feature}")

    def wait_real(self, seconds: float, why: str) -> None:
        """Wait on the real clock, for the product's sake (a rate limit). The harness
        replaces this with a wait that tells the person watching, and counts it."""
        if seconds > 0:
            time.sleep(seconds)

    password_guess_limit: int = 10
    """Consecutive wrong passwords after which the system refuses even the right one
    (NIST SP 800-63B section 5.2.2 allows at most 100); the security check tries this many."""

    def describe(self) -> dict[str, str]:
        """What the report header shows about this system."""
        return {"driver": self.name}

    def adopt_positions(self, positions: Mapping[str, object]) -> None:
        """Called once before any scenario with every position the run checks (the
        system's own, a --positions file's, the reference default for the rest). A
        system that can be configured to take any of them (the reference simulator)
        does; a product, which takes the positions it takes, ignores this."""

    # Life cycle
    def start_scenario(self, name: str) -> None:
        """Called before each scenario."""

    def finish_scenario(self, failed: bool) -> None:
        """Called after each scenario, passed or failed."""

    def close(self) -> None:
        """Called once after the run."""

    @abstractmethod
    def sign_in(self, username: str, password: str, *, address: str | None = None) -> Session:
        """Enter username and password. Raises WrongCredentials, AddressNotAllowed or MfaLocked.

        `address` needs Capability.CLIENT_ADDRESS."""

    # Personas: from seeding, or named by the system's profile.
    def persona(self, name: str, *, practice: str | None = None) -> Account | None:
        """The account a profile names for a persona, for systems without seeding.

        `practice` is the real practice the scenario's practice maps to (from
        `profile_practice`): a persona may be played by different accounts in
        different practices (Olga holds a practice with MFA in one scenario and
        one without it in another)."""
        return None

    def account_holder_of(self, practice: str) -> Account | None:
        """An account holder of a real practice, for systems without seeding: the
        harness signs in as her to bring users to a scenario's starting state
        (Reset MFA, the practice's settings) when the scenario itself names none."""
        return None

    def profile_practice(self, display: str, *, mfa_available: bool) -> str | None:
        """The practice a profile names for a scenario's practice, for systems without seeding."""
        return None

    def create_practice(self, name: str, *, mfa_available: bool = True) -> None:
        raise CapabilityMissing(Capability.SEEDING)

    def create_user(self, practice: str, username: str, password: str, *, account_holder: bool = False) -> None:
        raise CapabilityMissing(Capability.SEEDING)

    def seed_device(self, username: str, device_name: str) -> str:
        """Give an account an enrolled device as if set up through the screens. Returns the
        device's TOTP Key URI (the persona's phone takes it, as it would from the QR code);
        it holds the secret, so it is never logged. Needs Capability.STATE_SEEDING."""
        raise CapabilityMissing(Capability.STATE_SEEDING)

    def seed_practice_settings(self, practice: str, *, enforced: bool | None = None,
                               safelist: Sequence[str] | None = None) -> None:
        """Set a practice's Practice Security Settings as its account holder would save them
        (None: leave as it is). Needs Capability.STATE_SEEDING."""
        raise CapabilityMissing(Capability.STATE_SEEDING)

    # Clock
    def now(self) -> float:
        """The system's current Unix time (the real clock unless the system offers CLOCK)."""
        return time.time()

    def set_time(self, when: datetime) -> None:
        raise CapabilityMissing(Capability.CLOCK)

    def advance(self, seconds: float) -> None:
        raise CapabilityMissing(Capability.CLOCK)

    # Vendor support
    def support_reset_mfa(self, username: str) -> None:
        """Vendor support resets any user's MFA. Raises UnknownUser."""
        raise CapabilityMissing(Capability.SUPPORT_CONSOLE)

    # For the security checks (features/security.feature)
    def submit_codes_at_once(self, attempts: Sequence[tuple[Session, str]]) -> list[CodeAnswer]:
        """Send each session's code so that they reach the system at the same moment (as
        an attacker racing one code, or a burst of guesses, would), not one after another.
        Returns, in order, each session's stage afterwards or the refusal it met.
        Needs Capability.CONCURRENT_SESSIONS."""
        raise CapabilityMissing(Capability.CONCURRENT_SESSIONS)

    def pages_visited(self) -> Sequence[Page]:
        """Every page the system showed since the scenario began, in order, from every
        session (and every request's address, for a web product). Needs Capability.PAGES_VISITED."""
        raise CapabilityMissing(Capability.PAGES_VISITED)

    def reset_password(self, username: str, new_password: str) -> Session | None:
        """Reset the user's forgotten password as the product lets her (its link or token, and whatever
        else it asks, followed by the driver), choosing `new_password`. Returns the session her browser
        is left in (at the code prompt, or wherever the product put it), or None where the product shows
        its sign-in page. Only for a product that declares a password reset (password_reset = offered).
        Needs Capability.PASSWORD_RESET."""
        raise CapabilityMissing(Capability.PASSWORD_RESET)
