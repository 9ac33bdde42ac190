"""Security -> Authenticator -> MFA Configuration (also the forced setup screen)."""

from __future__ import annotations

from playwright.sync_api import Page

from ..profile import Profile
from .base import Element

__all__ = ["SecurityPage", "MfaConfigurationPage"]

_CHOICE_NAMES_JS = """els => els.map(e => (e.getAttribute('aria-label')
    || (e.labels && e.labels.length ? e.labels[0].innerText : '') || e.textContent || e.value || '').trim())"""


class SecurityPage:
    def __init__(self, page: Page, profile: Profile) -> None:
        self.page = page
        self.authenticator = Element.of(page, profile.security.authenticator, profile.timeout_ms)

    def open_authenticator(self) -> None:
        self.authenticator.submit()


class MfaConfigurationPage:
    def __init__(self, page: Page, profile: Profile) -> None:
        self.page = page
        config = self.config = profile.mfa_configuration
        timeout = profile.timeout_ms
        self.apps = Element.of(page, config.suggested_apps, timeout)
        self.app_choices = self.apps.inside(config.app_choice)
        self.other_app = Element.of(page, config.other_app, timeout)
        self.show_qr = Element.of(page, config.show_qr_code, timeout)
        self.qr_code = Element.of(page, config.qr_code, timeout)
        self.code = Element.of(page, config.one_time_code, timeout)
        self.device_name = Element.of(page, config.device_name, timeout)
        self.save_button = Element.of(page, config.save, timeout)
        self.status = Element.of(page, config.status, timeout)
        self.device = Element.of(page, config.device, timeout)
        self.manual_key = Element.of(page, config.manual_key, timeout) if "manual_key" in config else None

    def secrets_on_screen(self) -> list:
        """The elements a screenshot must mask: the QR code and the key for manual entry."""
        return [e.locator for e in (self.qr_code, self.manual_key) if e is not None]

    # Choosing an authenticator
    def offers_choice(self) -> bool:
        return self.apps.present()

    def suggested_apps(self) -> tuple[str, ...]:
        return tuple(name for name in self.app_choices.evaluate_all(_CHOICE_NAMES_JS) if name)  # type: ignore[union-attr]

    def choose(self, app: str | None) -> None:
        """Pick a suggested app (None: another TOTP app) and go on to the QR code."""
        if app is None:
            self.other_app.click()
        else:
            spec = self.config.app_choice
            option = self.apps.locator.get_by_role(spec.value, name=app, exact=True) if spec.kind == "role" \
                else self.apps.locator.get_by_label(app, exact=True)
            Element(option, spec, self.apps.timeout, shown=f"{spec} named {app!r}").click()
        self.show_qr.submit()

    def qr_png(self) -> bytes:
        """The QR code exactly as displayed: a screenshot of its element, as a phone camera sees it."""
        return self.qr_code.screenshot()

    # Saving the device
    def has_code_entry(self) -> bool:
        return self.code.present() and self.save_button.present()

    def save(self, code: str, device_name: str) -> None:
        self.code.fill(code)
        self.device_name.fill(device_name)
        self.save_button.submit()

    # Status
    def own_status(self) -> tuple[bool, str | None]:
        enrolled = self.status.wait().text().casefold() == self.config.enrolled_text.casefold()
        device = self.device.text() if enrolled and self.device.present() else None
        return enrolled, device or None
