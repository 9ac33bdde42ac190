"""Security -> Authenticator -> MFA Configuration (also the forced setup screen)."""

from __future__ import annotations

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ..profile import Profile
from .base import ElementMissing, click, fill, locate, present, submit

__all__ = ["SecurityPage", "MfaConfigurationPage"]

_CHOICE_NAMES_JS = """els => els.map(e => (e.getAttribute('aria-label')
    || (e.labels && e.labels.length ? e.labels[0].innerText : '') || e.textContent || e.value || '').trim())"""


class SecurityPage:
    def __init__(self, page: Page, profile: Profile) -> None:
        self.page = page
        self.authenticator = locate(page, profile.security.authenticator)
        self.timeout = profile.timeout_ms

    def open_authenticator(self) -> None:
        submit(self.page, self.authenticator, "the Authenticator link", self.timeout)


class MfaConfigurationPage:
    def __init__(self, page: Page, profile: Profile) -> None:
        self.page = page
        config = profile.mfa_configuration
        self.config = config
        self.apps = locate(page, config.suggested_apps)
        self.app_choices = locate(self.apps, config.app_choice)
        self.other_app = locate(page, config.other_app)
        self.show_qr = locate(page, config.show_qr_code)
        self.qr_code = locate(page, config.qr_code)
        self.code = locate(page, config.one_time_code)
        self.device_name = locate(page, config.device_name)
        self.save_button = locate(page, config.save)
        self.status = locate(page, config.status)
        self.device = locate(page, config.device)
        self.manual_key = locate(page, config.manual_key) if "manual_key" in config else None
        self.timeout = profile.timeout_ms

    def secrets_on_screen(self) -> list:
        """The elements a screenshot must mask: the QR code and the key for manual entry."""
        return [self.qr_code] + ([self.manual_key] if self.manual_key is not None else [])

    # Choosing an authenticator
    def offers_choice(self) -> bool:
        return present(self.apps)

    def suggested_apps(self) -> tuple[str, ...]:
        return tuple(name for name in self.app_choices.evaluate_all(_CHOICE_NAMES_JS) if name)

    def choose(self, app: str | None) -> None:
        """Pick a suggested app (None: another TOTP app) and go on to the QR code."""
        if app is None:
            click(self.other_app, "choice of another TOTP app", self.timeout)
        else:
            spec = self.config.app_choice
            option = self.apps.get_by_role(spec.value, name=app, exact=True) if spec.kind == "role" \
                else self.apps.get_by_label(app, exact=True)
            click(option, f"suggested app {app!r}", self.timeout)
        submit(self.page, self.show_qr, "the button that shows the QR code", self.timeout)

    def qr_png(self) -> bytes:
        """The QR code exactly as displayed: a screenshot of its element, as a phone camera sees it."""
        try:
            self.qr_code.wait_for(state="visible", timeout=self.timeout)
        except PlaywrightTimeout:
            raise ElementMissing(f"no QR code on the MFA Configuration page ({self.qr_code})") from None
        return self.qr_code.screenshot(animations="disabled", timeout=self.timeout)

    # Saving the device
    def has_code_entry(self) -> bool:
        return present(self.code) and present(self.save_button)

    def save(self, code: str, device_name: str) -> None:
        fill(self.code, code, "one-time code field", self.timeout)
        fill(self.device_name, device_name, "device name field", self.timeout)
        submit(self.page, self.save_button, "Save", self.timeout)

    # Status
    def own_status(self) -> tuple[bool, str | None]:
        try:
            self.status.wait_for(state="attached", timeout=self.timeout)
        except PlaywrightTimeout:
            raise ElementMissing(f"the MFA Configuration page shows no MFA status ({self.status})") from None
        enrolled = self.status.first.inner_text().strip().casefold() == self.config.enrolled_text.casefold()
        device = self.device.first.inner_text().strip() if enrolled and present(self.device) else None
        return enrolled, device or None
