"""One person's browser session: the documented actions, screen by screen.

Where the flow stands is read from the screen the person's first tab lands
on; a refusal from the message the system shows. Every locator lives in the
page objects of `pages/`; this module only sequences them.
"""

from __future__ import annotations

from typing import Protocol

from playwright.sync_api import Page

from mfa_conformance.driver import Capability, EnrollmentScreen, Feature, Session, Stage, UserStatus, errors

from .pages.flow_runner import run_flow
from .pages import (
    CodePromptPage, MainMenu, MfaConfigurationPage, PracticeSecuritySettingsPage, ProfileMenu, Screen,
    SecurityPage, UserSettingsPage,
)
from .pages.base import landed_on, raise_refusal, shows
from .pages.user_status import UserStatusPage
from .profile import REFUSALS, Profile

__all__ = ["BrowserSession", "SessionHost", "STAGES"]

STAGES = {Screen.CODE_PROMPT: Stage.CODE_REQUIRED, Screen.SETUP_REQUIRED: Stage.SETUP_REQUIRED,
          Screen.APPLICATION: Stage.SIGNED_IN}
NOT_YET = {Screen.CODE_PROMPT: errors.CodeRequired, Screen.SETUP_REQUIRED: errors.SetupRequired,
           Screen.SIGN_IN: errors.SessionEnded}


class SessionHost(Protocol):
    """What a session needs of the browser system that opened it (BrowserSystem
    is one); a protocol, so this module never imports the system's."""

    profile: Profile
    last_page: Page | None
    generation: int

    def url(self, path: str) -> str: ...

    def changed(self) -> None:
        """A documented action may have moved every session's screen on."""

    def person_browser(self, address: str | None = None) -> Page:
        """The first tab of a fresh browser context (for a copy of a session)."""

    def lacking(self, feature: Feature) -> errors.FeatureAbsent:
        """The failure of a requirement that needs what the product lacks, naming the profile key."""


class BrowserSession(Session):
    """One person's browser session: a browser context and its first tab.

    Where the flow stands is read from the screen the first tab lands on. It is
    read again only when something may have changed it: after any documented
    action of any session of the scenario (the system's `generation` moves on),
    or when the tab has gone elsewhere since.
    """

    def __init__(self, system: SessionHost, page: Page, username: str, screen: Screen, password: str = "") -> None:
        self._system = system
        self._main = page
        self._username = username
        self._password = password
        """Typed again where the product asks for it before a sensitive page (a flow's re-authentication)."""
        self._tab: Page | None = None
        """The tab Security opened, if any."""
        self._security_url: str | None = None
        self._enrollment: Page | None = None
        """The page showing the QR code and the code entry, between open and save."""
        self._enrollment_forced = False
        """Whether that page is the forced setup screen."""
        self._seen: tuple[int, str, Screen] | None = None
        self._landed(screen)

    @property
    def _profile(self) -> Profile:
        return self._system.profile

    def _flow(self, name: str, page: Page, **values: str) -> Page | None:
        """Run the profile's flow for a documented action, if it gives one; the page it ends on."""
        flow = self._profile.flows.get(name)
        if flow is None:
            return None

        def keep(tab: Page) -> None:
            self._close_tab()
            self._tab = tab

        return self._use(run_flow(self._use(page), flow, {"username": self._username, "password": self._password,
                                                          **values},
                                  timeout=self._profile.timeout_ms, base_url=self._system.url(""), on_new_tab=keep))

    def _lacks(self, feature: Feature) -> None:
        if feature in self._profile.lacks:
            raise self._system.lacking(feature)

    def _use(self, page: Page) -> Page:
        self._system.last_page = page
        return page

    def _landed(self, screen: Screen) -> Screen:
        """Remember the stage screen the first tab shows, as of the current generation."""
        self._seen = (self._system.generation, self._main.url, screen) if screen in STAGES else None
        return screen

    def _goto(self, path: str) -> Screen:
        self._use(self._main).goto(self._system.url(path), wait_until="domcontentloaded")
        return self._landed(landed_on(self._main, self._profile))

    def _where(self, path: str | None = None) -> Screen:
        """The stage screen, from the first tab if nothing changed since it loaded, else by going to `path`."""
        seen = self._seen
        if seen is not None and seen[0] == self._system.generation and seen[1] == self._main.url:
            return seen[2]
        return self._goto(path or self._profile.paths.start)

    def _stage_of(self, screen: Screen, page: Page) -> Stage:
        if screen is Screen.MESSAGE:
            raise_refusal(page, self._profile)
        if screen is Screen.SIGN_IN:
            raise errors.SessionEnded()
        return STAGES[screen]

    def _enter(self) -> None:
        """Open the application; refused until the session is fully signed in."""
        screen = self._where(self._profile.paths.application)
        if screen is Screen.MESSAGE:
            raise_refusal(self._main, self._profile)
        if screen in NOT_YET:
            raise NOT_YET[screen]()

    @property
    def stage(self) -> Stage:
        return self._stage_of(self._where(), self._main)

    def submit_code(self, code: str) -> Stage:
        screen = Screen.CODE_PROMPT if self._prompt_still_shown() else self._where()
        if screen is not Screen.CODE_PROMPT:
            return self._stage_of(screen, self._main)
        self._system.changed()
        if self._flow("enter_code", self._main, code=code) is not None:
            screen = landed_on(self._main, self._profile)
        else:
            screen = CodePromptPage(self._use(self._main), self._profile).enter(code)
        return self._stage_of(self._landed(screen), self._main)

    def _prompt_still_shown(self) -> bool:
        """After a refused code (no stage screen remembered), whether the prompt is still on screen."""
        return self._seen is None and not self._main.is_closed() and \
            CodePromptPage(self._main, self._profile).still_shown()

    def enter_application(self) -> None:
        self._enter()

    def sign_out(self) -> None:
        if "sign_out" in self._profile.flows:
            self._system.changed()
            self._flow("sign_out", self._main)
            raise_refusal(self._main, self._profile)
            self._close_tab()
            return
        menu = ProfileMenu(self._use(self._main), self._profile)
        if not menu.shown():
            self._stage_of(self._goto(self._profile.paths.start), self._main)
        self._system.changed()
        menu.sign_out()
        raise_refusal(self._main, self._profile)
        self._close_tab()

    # Self-enrollment
    def _close_tab(self) -> None:
        if self._tab is not None and not self._tab.is_closed():
            self._tab.close()
        self._tab = self._security_url = None

    def _open_mfa_configuration_tab(self) -> Page:
        """Profile -> Security (a new tab) -> Authenticator.

        A person who still has the Security tab open goes back to it and reloads
        it rather than open another one; so does the driver.
        """
        if "open_mfa_configuration" in self._profile.flows:
            self._close_tab()
            page = self._flow("open_mfa_configuration", self._main)
            assert page is not None
            raise_refusal(page, self._profile)
            return page
        tab = self._tab
        if tab is not None and not tab.is_closed() and self._security_url:
            self._use(tab).goto(self._security_url, wait_until="domcontentloaded")
        else:
            self._close_tab()
            tab = self._tab = ProfileMenu(self._main, self._profile).open_security()
            self._security_url = tab.url
        raise_refusal(self._use(tab), self._profile)
        SecurityPage(tab, self._profile).open_authenticator()
        return tab

    def open_mfa_configuration(self, authenticator: str | None = None) -> EnrollmentScreen:
        screen = self._where()
        if screen is Screen.SETUP_REQUIRED:
            page = self._main
        else:
            self._stage_of(screen, self._main)
            if screen is Screen.CODE_PROMPT:
                raise errors.CodeRequired()
            page = self._open_mfa_configuration_tab()
        forced = screen is Screen.SETUP_REQUIRED
        config = MfaConfigurationPage(page, self._profile, forced=forced)
        if not config.offers_enrollment():
            raise_refusal(page, self._profile)
            if not forced and self._enrolled_now(config):
                raise errors.AlreadyEnrolled("the MFA Configuration page offers no new device to an enrolled user")
            raise config.apps.mistake()
        apps = config.suggested_apps()
        if authenticator is not None and Feature.SUGGESTED_APPS in self._profile.lacks:
            raise self._system.lacking(Feature.SUGGESTED_APPS)
        if authenticator is not None and authenticator not in apps:
            raise AssertionError(f"the MFA Configuration page does not suggest {authenticator!r} (it suggests {apps})")
        config.choose(authenticator)
        raise_refusal(page, self._profile)
        self._enrollment, self._enrollment_forced = page, forced
        return EnrollmentScreen(suggested_apps=apps, qr_png=config.qr_png())

    def _enrolled_now(self, config: MfaConfigurationPage) -> bool:
        """Whether the user's own status reads enrolled: on this page, or where the profile's flow shows it."""
        page = self._flow("own_mfa_status", self._main)
        if page is None:
            return config.own_status()[0]
        return MfaConfigurationPage(page, self._profile).own_status()[0]

    def save_device(self, code: str, device_name: str) -> None:
        page = self._enrollment
        if page is None or page.is_closed():
            raise errors.NoEnrollmentInProgress()
        config = MfaConfigurationPage(self._use(page), self._profile, forced=self._enrollment_forced)
        if not config.has_code_entry():
            raise errors.NoEnrollmentInProgress("the page shows no code entry: open the MFA Configuration page first")
        if not device_name:
            self._lacks(Feature.DEVICE_NAME)
        self._system.changed()
        ended = self._flow("save_device", page, code=code, device_name=device_name)
        if ended is None:
            config.save(code, device_name)
        raise_refusal(ended or page, self._profile)
        if not self._saved(ended or page):
            raise errors.Refused("the device was not saved: the MFA status reads not enrolled", unrecognisable={
                name: "no message showed where the profile looks for one (screens.message)" for name in REFUSALS})

    def _saved(self, page: Page) -> bool:
        """Whether the device was seen saved: the status reads enrolled, the forced setup screen gave
        way to the application, or (neither showing) the user's own MFA status reads enrolled."""
        if MfaConfigurationPage(page, self._profile).shows_enrolled():
            return True
        if self._enrollment_forced and page is self._main:
            screen = self._landed(landed_on(page, self._profile))
            if screen is Screen.APPLICATION:
                return True
            if screen is Screen.SETUP_REQUIRED:
                return False
        try:
            return self.own_mfa_status().enrolled
        except (errors.CodeRequired, errors.SetupRequired):
            return False

    def own_mfa_status(self) -> UserStatus:
        self._enter()
        tab = self._flow("own_mfa_status", self._main) or self._open_mfa_configuration_tab()
        enrolled, device = MfaConfigurationPage(tab, self._profile).own_status()
        return UserStatus(username=self._username, enrolled=enrolled, device_name=device)

    # Practice Security Settings
    def _settings(self) -> PracticeSecuritySettingsPage:
        self._enter()
        if "practice_security_settings" in self._profile.flows:
            self._flow("practice_security_settings", self._main)
            self._refused_console("Practice Security Settings")
            return PracticeSecuritySettingsPage(self._main, self._profile)
        if not MainMenu(self._main, self._profile).open_practice_security_settings():
            admin = self._profile.navigation.admin
            raise errors.NotAccountHolder(f"the Menu shows this user no Admin entry (profile key {admin.key}: {admin})")
        raise_refusal(self._main, self._profile)
        return PracticeSecuritySettingsPage(self._main, self._profile)

    def enforcement(self) -> bool:
        self._lacks(Feature.ENFORCEMENT)
        return self._settings().enforced()

    def set_enforcement(self, enforced: bool) -> None:
        self._lacks(Feature.ENFORCEMENT)
        settings = self._settings()
        self._system.changed()
        if self._flow("set_enforcement", self._main, enforced="true" if enforced else "false") is None:
            settings.set_enforced(enforced)
        raise_refusal(self._main, self._profile)

    def safelist(self) -> tuple[str, ...]:
        self._lacks(Feature.SAFELIST)
        return self._settings().safelist()

    def set_safelist(self, entries: list[str]) -> None:
        self._lacks(Feature.SAFELIST)
        settings = self._settings()
        self._system.changed()
        if self._flow("set_safelist", self._main, safelist="\n".join(entries)) is None:
            settings.set_safelist(entries)
        raise_refusal(self._main, self._profile)

    # User Settings
    def _user_settings(self) -> UserSettingsPage:
        if "user_settings" in self._profile.flows:
            self._enter()
            self._flow("user_settings", self._main)
            self._refused_console("User Settings")
        else:
            self._settings().open_user_settings()
        raise_refusal(self._main, self._profile)
        return UserSettingsPage(self._main, self._profile)

    def _refused_console(self, what: str) -> None:
        """A console that shows a signed-in user its sign-in screen instead (a stock admin's way of
        refusing whoever is not staff) refuses her, as a person reads it."""
        raise_refusal(self._main, self._profile)
        if shows(self._main, self._profile.screens.sign_in):
            raise errors.NotAccountHolder(f"the product showed its sign-in screen instead of {what} to a "
                                          f"signed-in user")

    def _listed(self, users: UserSettingsPage) -> list[UserStatus]:
        """The users the page lists, each with their status: from the list, or from each one's own page."""
        if "user_status" not in self._profile.flows:
            return users.statuses()
        return [self._status_of(username) for username in users.usernames()]

    def _status_of(self, username: str) -> UserStatus:
        page = self._flow("user_status", self._main, user=username)
        assert page is not None
        raise_refusal(page, self._profile)
        return UserStatus(username=username, enrolled=UserStatusPage(page, self._profile).enrolled(username))

    def _searched(self, username: str) -> UserSettingsPage:
        """User Settings after a search for `username`."""
        users = self._user_settings()
        if self._flow("find_user", self._main, user=username) is None:
            users.search(username)
        raise_refusal(self._main, self._profile)
        return users

    def user_statuses(self) -> list[UserStatus]:
        return self._listed(self._user_settings())

    def find_user(self, username: str) -> UserStatus | None:
        self._lacks(Feature.USER_SEARCH)
        users = self._searched(username)
        if "user_status" in self._profile.flows:  # the first one found, read on their own page
            found = users.usernames()
            return self._status_of(found[0]) if found else None
        statuses = users.statuses()
        return statuses[0] if statuses else None

    def reset_mfa(self, username: str) -> None:
        users = self._user_settings() if Feature.USER_SEARCH in self._profile.lacks else self._searched(username)
        if username not in users.usernames():
            raise errors.UnknownUser("User Settings find no user with that username")
        self._system.changed()
        if self._flow("reset_mfa", self._main, user=username) is None:
            users = UserSettingsPage(self._main, self._profile)
            users.select(username)
            raise_refusal(self._main, self._profile)
            users.reset_mfa()
        raise_refusal(self._main, self._profile)

    # For the security checks: a copy is another browser holding this one's cookies;
    # the identifier is the profile's session cookie; codes at once: concurrency.py.
    def copy(self) -> BrowserSession:
        page = self._system.person_browser()
        page.context.add_cookies(self._main.context.cookies())
        return BrowserSession(self._system, page, self._username, Screen.SIGN_IN,  # its screen is read when used
                              self._password)

    def identifier(self) -> str:
        name = self._profile.session_cookie
        if name is None:
            raise errors.CapabilityMissing(Capability.SESSION_IDENTIFIER)
        return next((c["value"] for c in self._main.context.cookies() if c["name"] == name), "")

    def code_prompt(self) -> Page | None:
        """The first tab, when it shows the code prompt (to send a code from, at once with others)."""
        return self._use(self._main) if self._where() is Screen.CODE_PROMPT else None

    def landed(self) -> Stage:
        """Where the first tab stands after a code sent from it by concurrency.py."""
        return self._stage_of(self._landed(landed_on(self._main, self._profile)), self._main)
