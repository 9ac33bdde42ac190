"""The sign-in screen and the code prompt."""

from __future__ import annotations

from playwright.sync_api import Page

from ..profile import Profile
from .base import Element, Screen, landed_on, shows

__all__ = ["SignInPage", "CodePromptPage"]


class SignInPage:
    def __init__(self, page: Page, profile: Profile) -> None:
        self.page, self.profile = page, profile
        timeout, fields = profile.timeout_ms, profile.sign_in
        self.username = Element.of(page, fields.username, timeout) if "username" in fields else None
        self.password = Element.of(page, fields.password, timeout) if "password" in fields else None
        self.submit = Element.of(page, fields.submit, timeout) if "submit" in fields else None

    def open(self, url: str) -> SignInPage:
        self.page.goto(url, wait_until="domcontentloaded")
        return self

    def send(self, username: str, password: str) -> None:
        """Fill in the credentials and submit them; where that leads is read by the caller."""
        assert self.username is not None and self.password is not None and self.submit is not None
        self.username.fill(username)
        self.password.fill(password)
        self.submit.submit()

    def sign_in(self, username: str, password: str) -> Screen:
        self.send(username, password)
        return landed_on(self.page, self.profile)


class CodePromptPage:
    def __init__(self, page: Page, profile: Profile) -> None:
        self.page, self.profile = page, profile
        prompt = profile.code_prompt
        self.code = Element.of(page, prompt.code, profile.timeout_ms) if "code" in prompt else None
        self.submit = Element.of(page, prompt.submit, profile.timeout_ms) if "submit" in prompt else None

    def still_shown(self) -> bool:
        """The prompt is still there with a refusal beside it, after a refused code: a wizard that keeps its
        state in the form, not at an address, where a person types the next code."""
        prompt = self.code.present() if self.code is not None else shows(self.page, self.profile.screens.code_prompt)
        return prompt and shows(self.page, self.profile.screens.message)

    def enter(self, code: str) -> Screen:
        assert self.code is not None and self.submit is not None
        self.code.fill(code)
        self.submit.submit()
        return landed_on(self.page, self.profile)
