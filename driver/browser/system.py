"""The browser driver's system: one browser, a context per person, evidence.

One browser per run (per xdist worker); every `Session` (session.py) is one
person's browser, a Playwright context of its own, cleared when the scenario
ends. The test hooks, when the system offers them, seed and move the clock.
"""

from __future__ import annotations

import itertools
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from mfa_conformance.driver import Account, Capability, Detail, Feature, Page as Shown, Session, SystemUnderTest, errors
from mfa_conformance.driver.errors import CapabilityMissing
from mfa_conformance.driver.interface import CodeAnswer

from .concurrency import submit_codes_at_once
from .evidence import scrub_trace
from .pages.flow_runner import run_flow
from .pacing import Pacer
from .hooks import TestHooks
from .pages import MfaConfigurationPage, Screen, SignInPage, SupportConsolePage
from .pages.base import ElementMissing, landed_on, page_path, raise_refusal, shows
from .profile import CastEntry, ConsoleField, PersonaEntry
from .session import BrowserSession
from .settings import Prepared
from .visited import Visits

__all__ = ["BrowserSystem", "BrowserSession", "ProfileMismatch"]

DETAIL_KEYS = {Detail.DEVICE_NAMES: ("user_settings", "device_column"),
               Detail.OWN_DEVICE_NAME: ("mfa_configuration", "device")}
"""The profile key that says where the screens show each detail."""
LAUNCH_ARGS = ["--process-per-site"]
"""One renderer per site and context: a tab Security opens does not start a process of its own."""
BROWSER_CAPABILITIES = frozenset({Capability.CONCURRENT_SESSIONS, Capability.SESSION_COPY, Capability.PAGES_VISITED})
"""What a browser gives any web product: codes sent at once, a copy of a session (another context with
its cookies), every page and address; the session identifier needs the profile's session cookie."""


@dataclass(eq=False)
class _PersonBrowser:
    """A browser context with its first tab, handed to one person at a time."""

    context: BrowserContext
    page: Page
    tracing: bool = False


class BrowserSystem(SystemUnderTest):
    """A deployed system, checked through Chromium by the labels of its profile.

    Each person of a scenario gets a browser context of their own. Contexts are
    recycled between scenarios once cleared (cookies, storage, extra tabs), so
    that a scenario does not pay for starting a renderer process per person;
    `system.reuse_browser_contexts = false` in the profile gives each person a
    brand-new context instead.
    """

    def __init__(self, prepared: Prepared) -> None:
        self.prepared = prepared
        self.profile = prepared.profile
        self.base_url = prepared.base_url
        self.capabilities = prepared.capabilities | BROWSER_CAPABILITIES | (
            {Capability.SESSION_IDENTIFIER} if self.profile.session_cookie else set())
        self.positions = dict(self.profile.positions)
        self.code_latency = self.profile.code_latency
        self.password_guess_limit = self.profile.password_guess_limit
        self._visits = Visits()
        self.name = f"browser driver ({self.profile.name})"
        self.shows = frozenset(detail for detail, (section, key) in DETAIL_KEYS.items()
                               if key in self.profile.sections[section])
        self.lacks = frozenset(self.profile.lacks)
        self._pacer = Pacer(self.profile.sign_ins_per_minute, prepared.settings.workers, self.profile.rate_limit_wait,
                            lambda seconds, why: self.wait_real(seconds, why))
        self.generation = 0
        """Moves on with every documented action that may change what a session sees."""
        self.last_page: Page | None = None
        self._hooks = TestHooks(self.base_url, self.profile.test_hooks, prepared.hooks) if prepared.hooks else None
        self._lanes = itertools.count(1)
        self._typed_secrets: set[str] = set()
        """Passwords typed in this scenario, kept only to scrub them from its evidence."""
        self._idle: list[_PersonBrowser] = []
        self._busy: list[_PersonBrowser] = []
        self._playwright: Playwright | None = sync_playwright().start()
        try:
            self._browser: Browser = self._start_browser()
        except Exception:
            self._playwright.stop()
            raise
        if prepared.settings.check_profile:
            try:
                self._check_profile_fits()
            except Exception:
                self.close()
                raise

    def _check_profile_fits(self) -> None:
        """The sign-in page shows the profile's sign-in screen: else every scenario would fail alike."""
        page = self.person_browser()
        url = self.url(self.profile.paths.sign_in)
        SignInPage(page, self.profile).open(url)
        try:
            screen = landed_on(page, self.profile)
        except ElementMissing:
            screen = None
        self._release_all()
        if screen is not Screen.SIGN_IN:
            raise ProfileMismatch(f"{url} does not show the sign-in screen of profile {self.profile.path} "
                                  f"(screens.sign_in: {self.profile.screens.sign_in}); is it this system's profile?")

    def _start_browser(self) -> Browser:
        assert self._playwright is not None
        settings = self.prepared.settings
        if settings.ws_endpoint:
            return self._playwright.chromium.connect(settings.ws_endpoint, timeout=30_000)
        return self._playwright.chromium.launch(executable_path=str(settings.chromium), headless=True,
                                                args=LAUNCH_ARGS + list(settings.chromium_args))

    def describe(self) -> dict[str, str]:
        where = self.prepared.settings.ws_endpoint or str(self.prepared.settings.chromium)
        return {"driver": self.name, "base URL": self.base_url, "profile": str(self.profile.path),
                "browser": f"Chromium {self._browser.version} ({where})",
                "capabilities": ", ".join(sorted(map(str, self.capabilities))) or "none"}

    def not_shown(self, detail: Detail) -> str:
        section, key = DETAIL_KEYS[detail]
        return f"the system under test does not show {detail}: its profile names no {section}.{key}"

    def lacking(self, feature: Feature) -> errors.FeatureAbsent:
        return errors.FeatureAbsent(feature, f"the product has no {feature} (profile: {self.profile.lacks[feature]} "
                                             f"= false)")

    def url(self, path: str) -> str:
        return self.base_url + path

    def changed(self) -> None:
        self.generation += 1

    # Life cycle
    def start_scenario(self, name: str) -> None:
        self._release_all()
        self._typed_secrets.clear()
        self._visits.clear()
        if self._hooks is not None:
            self._hooks.lane = f"{os.getpid()}-{next(self._lanes)}-{secrets.token_hex(4)}"

    def finish_scenario(self, failed: bool) -> None:
        self._release_all()

    def close(self) -> None:
        self._release_all()
        for person in self._idle:
            _quietly(person.context.close)
        self._idle.clear()
        try:
            self._browser.close()
        finally:
            if self._playwright is not None:
                self._playwright.stop()
                self._playwright = None

    def person_browser(self, address: str | None = None) -> Page:
        """The first tab of a cleared browser context for one person, on this scenario's clock lane."""
        headers = {}
        if self._hooks is not None:
            headers[self._hooks.description.clock_header] = self._hooks.lane
        if address is not None:
            if Capability.CLIENT_ADDRESS not in self.capabilities or self._hooks is None:
                raise CapabilityMissing(Capability.CLIENT_ADDRESS)
            headers[self._hooks.description.address_header] = address
        person = self._idle.pop() if self._idle else self._new_person_browser()
        person.context.set_extra_http_headers(headers)
        if self.prepared.settings.trace and not person.tracing:
            person.context.tracing.start_chunk()
            person.tracing = True
        self._busy.append(person)
        self.last_page = person.page
        return person.page

    def _new_person_browser(self) -> _PersonBrowser:
        context = self._browser.new_context(viewport={"width": 1000, "height": 720})
        context.set_default_timeout(self.profile.timeout_ms)
        context.set_default_navigation_timeout(self.profile.timeout_ms * 2)
        tracing = self.prepared.settings.trace
        if tracing:
            context.tracing.start(snapshots=True, screenshots=False)
        self._visits.watch(context)
        context.on("response", self._pacer.seen)
        return _PersonBrowser(context=context, page=context.new_page(), tracing=tracing)

    def _release_all(self) -> None:
        """Clear the scenario's contexts for the next one (or close them, if they cannot be reused)."""
        reuse = self.profile.reuse_browser_contexts
        for person in self._busy:
            try:
                if person.tracing:
                    person.context.tracing.stop_chunk()
                    person.tracing = False
                if not reuse or person.page.is_closed():
                    raise _Discard()
                for page in person.context.pages:
                    if page is not person.page:
                        page.close()
                if person.page.url.startswith(("http://", "https://")):
                    person.page.evaluate(_CLEAR_STORAGE_JS)
                person.context.clear_cookies()
                self._idle.append(person)
            except Exception:
                _quietly(person.context.close)
        self._busy.clear()
        self.last_page = None

    # Evidence
    def capture_evidence(self, directory: Path) -> dict[str, Path]:
        """Screenshot of the page last used and the trace of every person's browser, into `directory`."""
        directory.mkdir(parents=True, exist_ok=True)
        written: dict[str, Path] = {}
        page = self.last_page
        if page is not None and not page.is_closed():
            try:
                hidden = MfaConfigurationPage.secrets_on_screen(page, self.profile)
                page.screenshot(path=directory / "screenshot.png", full_page=True, mask=hidden,
                                mask_color="#888")
                written["screenshot"] = directory / "screenshot.png"
            except Exception:
                pass
        ordered = sorted(self._busy, key=lambda p: page is None or page.context is not p.context)
        for n, person in enumerate(p for p in ordered if p.tracing):
            target = directory / ("trace.zip" if n == 0 else f"trace-{n + 1}.zip")
            try:
                person.context.tracing.stop_chunk(path=target)
                scrub_trace(target, self._typed_secrets)
            except Exception:
                target.unlink(missing_ok=True)
                continue
            person.tracing = False
            written.setdefault("trace", target)
        return written

    # Documented actions
    def sign_in(self, username: str, password: str, *, address: str | None = None) -> Session:
        page = self.person_browser(address)
        self._typed_secrets.add(password)
        self.changed()
        self._send_credentials(page, username, password)
        screen = landed_on(page, self.profile)
        if screen is Screen.MESSAGE:
            raise_refusal(page, self.profile)
        if screen is Screen.SIGN_IN:
            raise ElementMissing(f"signing in led back to the sign-in screen, and profile key screens.message "
                                 f"({self.profile.screens.message}) finds no message on {page_path(page)}")
        return BrowserSession(self, page, username, screen, password)

    def _send_credentials(self, page: Page, username: str, password: str) -> None:
        """Open the sign-in page and send the password, waiting out the product's rate limit."""
        waits = iter(self._pacer.backoffs())
        waited = 0.0
        while True:
            self._pacer.before_sign_in()
            sign_in = SignInPage(page, self.profile).open(self.url(self.profile.paths.sign_in))
            flow = self.profile.flows.get("sign_in")
            if flow is not None:
                run_flow(page, flow, {"username": username, "password": password}, timeout=self.profile.timeout_ms,
                         base_url=self.base_url)
            else:
                sign_in.send(username, password)
            if not self._rate_limited(page):
                return
            wait = self._pacer.retry_after(page) or next(waits, None)
            if wait is None or waited + wait > self.profile.rate_limit_wait:
                raise errors.RateLimited(f"the product kept answering \"too many requests\" to sign-ins for "
                                         f"{waited:.0f} s (system.rate_limit_wait: {self.profile.rate_limit_wait:.0f} s)")
            self.wait_real(wait, "the product's rate limit on sign-ins (429 Too Many Requests)")
            waited += wait

    def _rate_limited(self, page: Page) -> bool:
        if shows(page, self.profile.screens.get("rate_limited")):
            return True
        # a 429 that shows the product's message is a refusal (the reference app's password lockout), not a limit
        return self._pacer.limited(page, False) and not shows(page, self.profile.screens.message)

    def submit_codes_at_once(self, attempts: Sequence[tuple[Session, str]]) -> list[CodeAnswer]:
        return submit_codes_at_once(self, attempts)

    def pages_visited(self) -> list[Shown]:
        return list(self._visits.pages)

    def support_reset_mfa(self, username: str) -> None:
        if Capability.SUPPORT_CONSOLE not in self.capabilities:
            raise CapabilityMissing(Capability.SUPPORT_CONSOLE)
        page = self.person_browser()
        console = SupportConsolePage(page, self.profile)
        console.open(self.url(self.profile.paths.support_console), self._console_value)
        if "search" in self.profile.support_console and username not in console.search(username):
            raise errors.UnknownUser("the support console finds no user with that username")
        self.changed()
        flow = self.profile.flows.get("support_reset")
        if flow is not None:
            run_flow(page, flow, {"user": username}, timeout=self.profile.timeout_ms, base_url=self.base_url)
        else:
            console.reset_mfa(username)
        raise_refusal(page, self.profile)

    def _console_value(self, field: ConsoleField) -> str | None:
        """A support console field's value, from its environment variable; scrubbed from the evidence."""
        value = os.environ.get(field.env) if field.env else None
        if value:
            self._typed_secrets.add(value)
        return value or None

    # Personas from the profile's cast (one per parallel worker), for systems without seeding
    @property
    def cast(self) -> CastEntry:
        casts = self.profile.casts  # with seeding, the cast only names who a profile maps, if anyone
        return casts[min(self.prepared.settings.cast, len(casts) - 1)]

    def _account(self, entry: PersonaEntry | None) -> Account | None:
        if entry is None:
            return None
        password = entry.resolve_password()
        if password is None:
            return None
        return Account(practice=self.cast.practices[entry.practice].name, username=entry.username,
                       password=password, account_holder=entry.account_holder)

    def persona(self, name: str, *, practice: str | None = None) -> Account | None:
        return self._account(self.cast.account_for(name, practice))

    def account_holder_of(self, practice: str) -> Account | None:
        return self._account(self.cast.holder_of(practice))

    def profile_practice(self, display: str, *, mfa_available: bool) -> str | None:
        entry = self.cast.practice_for(display, mfa_available)
        return entry.name if entry is not None else None

    # Test hooks
    def _hook(self, capability: Capability) -> TestHooks:
        if capability not in self.capabilities or self._hooks is None:
            raise CapabilityMissing(capability)
        self.changed()
        return self._hooks

    def create_practice(self, name: str, *, mfa_available: bool = True) -> None:
        self._hook(Capability.SEEDING).create_practice(name, mfa_available)

    def create_user(self, practice: str, username: str, password: str, *, account_holder: bool = False) -> None:
        self._hook(Capability.SEEDING).create_user(practice, username, password, account_holder)

    def seed_device(self, username: str, device_name: str) -> str:
        return self._hook(Capability.STATE_SEEDING).seed_device(username, device_name)

    def seed_practice_settings(self, practice: str, *, enforced: bool | None = None,
                               safelist: Sequence[str] | None = None) -> None:
        self._hook(Capability.STATE_SEEDING).seed_practice_settings(
            practice, enforced, None if safelist is None else list(safelist))

    def now(self) -> float:
        if Capability.CLOCK in self.capabilities and self._hooks is not None:
            return self._hooks.now()
        return super().now()

    def set_time(self, when: datetime) -> None:
        self._hook(Capability.CLOCK).set_time(when.timestamp())

    def advance(self, seconds: float) -> None:
        self._hook(Capability.CLOCK).advance(seconds)


class ProfileMismatch(Exception):
    """The system's screens are not the ones the profile describes."""


class _Discard(Exception):
    pass


_CLEAR_STORAGE_JS = "() => { try { localStorage.clear(); sessionStorage.clear(); } catch (e) {} }"


def _quietly(action) -> None:
    try:
        action()
    except Exception:  # the browser may already be gone
        pass
