"""Security -> Authenticator -> MFA Configuration, and the forced setup screen.

Products offer the suggested apps in one of two ways, which the profile says:
as a choice (`app_choice`, radio buttons, then `show_qr_code`), or listed as
plain text beside a QR code shown at once (`listed_app`). The forced setup
screen uses [forced_setup], which is [mfa_configuration] unless it says
otherwise.
"""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from ..profile import Profile
from .base import Element

__all__ = ["SecurityPage", "MfaConfigurationPage"]

_APP_NAMES_JS = """els => els.map(e => (e.getAttribute('aria-label')
    || (e.labels && e.labels.length ? e.labels[0].innerText : '') || e.textContent || e.value || '').trim())"""


class SecurityPage:
    def __init__(self, page: Page, profile: Profile) -> None:
        self.page = page
        self.authenticator = Element.of(page, profile.security.authenticator, profile.timeout_ms)

    def open_authenticator(self) -> None:
        self.authenticator.submit()


class MfaConfigurationPage:
    def __init__(self, page: Page, profile: Profile, *, forced: bool = False) -> None:
        self.page = page
        config = self.config = profile.forced_setup if forced else profile.mfa_configuration
        timeout = profile.timeout_ms

        def optional(key: str) -> Element | None:
            return Element.of(page, config[key], timeout) if key in config else None

        self.apps = optional("suggested_apps")
        """None where the product suggests no app (the profile sets suggested_apps = false)."""
        self.chooses = "app_choice" in config
        """Whether the user chooses an app on this screen, or the apps are only listed."""
        self.app_entries = None if self.apps is None else \
            self.apps.inside(config.app_choice if self.chooses else config.listed_app)
        self.other_app = optional("other_app")
        self.show_qr = optional("show_qr_code")
        self.qr_code = Element.of(page, config.qr_code, timeout)
        self.code = Element.of(page, config.one_time_code, timeout)
        self.device_name = optional("device_name")
        """None where the product asks for no device name (device_name = false)."""
        self.save_button = Element.of(page, config.save, timeout)
        self.status = Element.of(page, config.status, timeout)
        self.device = optional("device")
        self.manual_key = optional("manual_key")

    @staticmethod
    def secrets_on_screen(page: Page, profile: Profile) -> list[Locator]:
        """The elements a screenshot must mask, on either screen: the QR code and the key for manual entry."""
        screens = (MfaConfigurationPage(page, profile), MfaConfigurationPage(page, profile, forced=True))
        return [e.locator for s in screens for e in (s.qr_code, s.manual_key) if e is not None]

    # The suggested apps
    def offers_enrollment(self) -> bool:
        """Whether the page offers a new device: suggested apps to choose from, or a QR code at once."""
        if self.apps is None:
            return self.qr_code.present() or (self.show_qr is not None and self.show_qr.present())
        return self.apps.present() or (not self.chooses and self.qr_code.present())

    def suggested_apps(self) -> tuple[str, ...]:
        """The apps the screen suggests; the profile says it shows some, so none is a mistake of its."""
        if self.apps is None or self.app_entries is None:
            return ()
        for element in (self.apps, self.app_entries):
            if not element.present():
                raise element.mistake()
        return tuple(name for name in self.app_entries.evaluate_all(_APP_NAMES_JS) if name)  # type: ignore[union-attr]

    def choose(self, app: str | None) -> None:
        """Pick a suggested app (None: another TOTP app) where the screen offers a choice, and go
        on to the QR code; where the apps are only listed, the QR code is for any of them."""
        if self.chooses and self.apps is not None:
            if app is None:
                if self.other_app is not None:
                    self.other_app.click()
            else:
                spec = self.config.app_choice
                option = self.apps.locator.get_by_role(spec.value, name=app, exact=True) if spec.kind == "role" \
                    else self.apps.locator.get_by_label(app, exact=True)
                Element(option, spec, self.apps.timeout, shown=f"{spec} named {app!r}").click()
        if self.show_qr is not None:
            self.show_qr.submit()

    def qr_png(self) -> bytes:
        """The QR code exactly as displayed: a screenshot of its element, as a phone camera sees it."""
        return self.qr_code.screenshot()

    # Saving the device
    def has_code_entry(self) -> bool:
        """Whether the page asks for the app's code. A page that shows the QR code and not the code
        field, or the code field and not the save button, shows a mistake of the profile, not a
        refusal of the product."""
        if not self.code.present():
            if self.qr_code.present():
                raise self.code.mistake()
            return False
        if not self.save_button.present():
            raise self.save_button.mistake()
        return True

    def save(self, code: str, device_name: str) -> None:
        self.code.fill(code)
        if self.device_name is not None:
            self.device_name.fill(device_name)
        self.save_button.submit()

    # Status
    def shows_enrolled(self) -> bool:
        """Whether the page shows the status reading enrolled, now (no waiting)."""
        return self.status.present() and self.status.text().casefold() == self.config.enrolled_text.casefold()

    def own_status(self) -> tuple[bool, str | None]:
        """Enrolled or not, and the device's name where the page shows one."""
        enrolled = self.status.wait().text().casefold() == self.config.enrolled_text.casefold()
        device = self.device.text() if enrolled and self.device is not None and self.device.present() else None
        return enrolled, device or None
