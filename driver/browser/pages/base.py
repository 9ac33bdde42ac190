"""Locators from profile specs, form submission, and where a page landed.

Where a page landed is read from the profile's screen markers; a refusal is
the message element's text, matched against the profile's [refusals]
patterns and raised as the driver refusal of that name.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from enum import Enum
from collections.abc import Callable, Iterator

from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from mfa_conformance.driver import errors

from ..profile import LocatorSpec, Profile

__all__ = ["Screen", "locate", "refusal_on", "submit", "landed_on", "raise_refusal", "ElementMissing", "present", "reveal", "click", "fill"]


class ElementMissing(AssertionError):
    """A documented element the profile names is not on the page: a profile or product mismatch."""


class Screen(str, Enum):
    SIGN_IN = "sign_in"
    CODE_PROMPT = "code_prompt"
    SETUP_REQUIRED = "setup_required"
    APPLICATION = "application"
    MESSAGE = "message"


def locate(root: Page | Locator, spec: LocatorSpec) -> Locator:
    if spec.kind == "role":
        return root.get_by_role(spec.value, name=spec.name, exact=spec.exact) if spec.name is not None \
            else root.get_by_role(spec.value)
    by: dict[str, Callable[..., Locator]] = {
        "label": root.get_by_label, "text": root.get_by_text, "placeholder": root.get_by_placeholder,
        "alt": root.get_by_alt_text, "title": root.get_by_title,
    }
    if spec.kind in by:
        return by[spec.kind](spec.value, exact=spec.exact)
    if spec.kind == "test_id":
        return root.get_by_test_id(spec.value)
    return root.locator(spec.value)


def present(locator: Locator) -> bool:
    """Whether the element is on the page now (no waiting: call after the page has loaded)."""
    return locator.count() > 0


def refusal_on(page: Page, profile: Profile) -> errors.Refused | None:
    """The refusal the page shows, if its message element is there."""
    message = locate(page, profile.screens.message)
    if not present(message):
        return None
    text = " ".join(message.first.inner_text().split())
    for name, pattern in profile.refusals.items():
        if re.search(pattern, text, flags=re.IGNORECASE):
            return getattr(errors, name)(text)
    return errors.Refused(f"unrecognised message (add it to the profile's [refusals]): {text}")


def raise_refusal(page: Page, profile: Profile) -> None:
    refusal = refusal_on(page, profile)
    if refusal is not None:
        raise refusal


def landed_on(page: Page, profile: Profile) -> Screen:
    """Which known screen the page shows, waiting up to the profile's timeout for one to appear."""
    markers = {screen: locate(page, profile.screens[screen.value]) for screen in Screen}
    anything = None
    for marker in markers.values():
        anything = marker if anything is None else anything.or_(marker)
    assert anything is not None
    try:
        anything.first.wait_for(state="attached", timeout=profile.timeout_ms)
    except PlaywrightTimeout:
        raise ElementMissing(f"{page.url} shows none of the profile's [screens]") from None
    for screen in (Screen.MESSAGE, Screen.CODE_PROMPT, Screen.SETUP_REQUIRED, Screen.APPLICATION, Screen.SIGN_IN):
        if present(markers[screen]):
            return screen
    raise ElementMissing(f"{page.url} shows none of the profile's [screens]")


@contextmanager
def _navigation(page: Page, what: str, timeout: float) -> Iterator[None]:
    try:
        with page.expect_navigation(wait_until="domcontentloaded", timeout=timeout):
            yield
    except PlaywrightTimeout:
        raise ElementMissing(f"{what} did not load a new page") from None


def submit(page: Page, control: Locator, what: str, timeout: float) -> None:
    """Click a control that submits a form or follows a link, and wait for the next page."""
    with _navigation(page, what, timeout):
        click(control, what, timeout)


def click(control: Locator, what: str, timeout: float) -> None:
    try:
        control.click(timeout=timeout)
    except PlaywrightTimeout:
        raise ElementMissing(f"no {what} to click ({control})") from None


def reveal(opener: Locator, item: Locator, what: str, timeout: float) -> None:
    """Open a menu unless the item it holds is already showing (a click would close it again)."""
    if not item.first.is_visible():
        click(opener, what, timeout)


def fill(control: Locator, value: str, what: str, timeout: float) -> None:
    try:
        control.fill(value, timeout=timeout)
    except PlaywrightTimeout:
        raise ElementMissing(f"no {what} to fill in ({control})") from None


_TABLE_JS = """t => [...t.querySelectorAll('tr, [role=row]')].map(
    r => [...r.querySelectorAll('th, td, [role=columnheader], [role=cell], [role=gridcell]')]
        .map(c => c.innerText.replace(/\\s+/g, ' ').trim()))"""


def read_table(table: Locator, what: str, timeout: float) -> list[dict[str, str]]:
    """Each data row of a table as {column header: cell text}."""
    try:
        table.wait_for(state="attached", timeout=timeout)
    except PlaywrightTimeout:
        raise ElementMissing(f"no {what} table on the page ({table})") from None
    header, *rows = table.first.evaluate(_TABLE_JS) or [[]]
    columns = [h.casefold() for h in header]
    return [{header[i]: cell for i, cell in enumerate(row) if i < len(header)} | {"_columns": columns}
            for row in rows if row]


def column(row: dict[str, str], name: str, what: str) -> str:
    for header, cell in row.items():
        if header != "_columns" and header.casefold() == name.casefold():
            return cell
    raise ElementMissing(f"the {what} table has no column {name!r}")
