"""Elements from profile specs, actions on them, and where a page landed.

Every element the driver uses is an `Element`: a Playwright locator together
with the profile key it came from. An action on it that finds nothing, or
finds more than one element where the page should show one, fails as one
`ElementMissing` line naming that key and the page (URL path) it was looked
for on, so a vendor reads which line of the profile to correct. Where a page
landed is read from the profile's screen markers; a refusal is the message
element's text, matched against the profile's [refusals] patterns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, Response
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from mfa_conformance.driver import errors

from ..profile import REFUSALS, LocatorSpec, Profile

__all__ = ["Screen", "Element", "ElementMissing", "locate", "refusal_on", "raise_refusal", "landed_on",
           "page_path", "read_table", "column", "reveal", "document_status", "shows",
           "raise_server_error"]


class ElementMissing(AssertionError):
    """A locator of the profile finds nothing, or more than one element, where the page
    should show one: the profile does not fit the product (or the product changed)."""


class Screen(str, Enum):
    SIGN_IN = "sign_in"
    CODE_PROMPT = "code_prompt"
    SETUP_REQUIRED = "setup_required"
    APPLICATION = "application"
    MESSAGE = "message"


def page_path(page: Page) -> str:
    """The page's URL path, as a profile mistake names it (no query: it may hold a username)."""
    try:
        return urlsplit(page.url).path or "/"
    except PlaywrightError:
        return "(a closed page)"


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


class Element:
    """One screen element the profile names: its locator and its profile key.

    Actions wait up to the profile's timeout. One that cannot be done because
    the locator finds no element, or several, raises `ElementMissing` naming the
    key, the locator and the page, in one line.
    """

    def __init__(self, locator: Locator, spec: LocatorSpec, timeout: float, *, shown: str | None = None) -> None:
        self.locator, self.spec, self.timeout = locator, spec, timeout
        self.shown = shown or str(spec)
        """The locator as the message shows it (a derived one says what it adds to the spec)."""

    @classmethod
    def of(cls, root: Page | Locator, spec: LocatorSpec, timeout: float) -> Element:
        return cls(locate(root, spec), spec, timeout)

    def inside(self, spec: LocatorSpec) -> Element:
        return Element(locate(self.locator, spec), spec, self.timeout)

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def page(self) -> Page:
        return self.locator.page

    def _count(self) -> int:
        try:
            return self.locator.count()
        except PlaywrightError:
            return 0

    def mistake(self, problem: str | None = None) -> ElementMissing:
        if problem is None:
            count = self._count()
            problem = ("finds nothing" if count == 0 else f"finds {count} elements, not one" if count > 1
                       else "finds an element that cannot be used (hidden or disabled)")
        return ElementMissing(f"profile key {self.key} ({self.shown}) {problem} on {page_path(self.page)}")

    @contextmanager
    def _acting(self) -> Iterator[None]:
        try:
            yield
        except PlaywrightTimeout:
            raise self.mistake() from None
        except PlaywrightError as error:
            if "strict mode violation" in str(error):
                raise self.mistake() from None
            raise

    # Looking, without waiting (call after the page has loaded)
    def present(self) -> bool:
        return self._count() > 0

    def visible(self) -> bool:
        return self.present() and self.locator.first.is_visible()

    # Looking, waiting up to the timeout
    def wait(self, state: str = "attached") -> Element:
        with self._acting():
            self.locator.wait_for(state=state, timeout=self.timeout)  # type: ignore[arg-type]
        return self

    def text(self) -> str:
        with self._acting():
            return " ".join(self.locator.inner_text(timeout=self.timeout).split())

    def value(self) -> str:
        with self._acting():
            return self.locator.input_value(timeout=self.timeout)

    def checked(self) -> bool:
        with self._acting():
            return self.locator.is_checked(timeout=self.timeout)

    def screenshot(self) -> bytes:
        self.wait("visible")
        with self._acting():
            return self.locator.screenshot(animations="disabled", timeout=self.timeout)

    def evaluate(self, script: str) -> object:
        with self._acting():
            return self.locator.evaluate(script, timeout=self.timeout)

    def evaluate_all(self, script: str) -> object:
        return self.locator.evaluate_all(script)

    # Acting
    def click(self) -> None:
        with self._acting():
            self.locator.click(timeout=self.timeout)

    def fill(self, value: str) -> None:
        with self._acting():
            self.locator.fill(value, timeout=self.timeout)

    def set_checked(self, checked: bool) -> None:
        with self._acting():
            self.locator.set_checked(checked, timeout=self.timeout)

    def submit(self) -> None:
        """Click a control that submits a form or follows a link, and wait for the next page;
        ServerError when that page is a server error (its status read from the navigation itself)."""
        try:
            with self.page.expect_navigation(wait_until="domcontentloaded", timeout=self.timeout) as navigation:
                self.click()
        except PlaywrightTimeout:
            raise self.mistake("was clicked and loaded no new page") from None
        raise_server_error(self.page, navigation.value)


def shows(page: Page, spec: LocatorSpec | None) -> bool:
    """Whether the page shows the element a profile key names, now (no waiting; None: the profile names none)."""
    return spec is not None and locate(page, spec).count() > 0


def reveal(opener: Element, item: Element) -> None:
    """Open a menu unless the item it holds is already showing (a click would close it again)."""
    if not item.visible():
        opener.click()


def refusal_on(page: Page, profile: Profile) -> errors.Refused | None:
    """The refusal the page shows, if its message element is there.

    A message that matches no [refusals] pattern is a plain `Refused` with the
    product's own words, carrying the refusals the profile gives no pattern
    for: the message may have been one of them, so a step expecting one is
    skipped naming its missing key rather than failed.
    """
    message = locate(page, profile.screens.message)
    if message.count() == 0:
        return None
    text = " ".join(message.first.inner_text().split())
    for name, pattern in profile.refusals.items():
        if re.search(pattern, text, flags=re.IGNORECASE):
            return getattr(errors, name)(text)
    return errors.Refused(text, unrecognisable={
        name: f"the profile gives no pattern for its message (refusals.{name})"
        for name in REFUSALS if name not in profile.refusals})


def raise_refusal(page: Page, profile: Profile) -> None:
    refusal = refusal_on(page, profile)
    if refusal is not None:
        raise refusal


LANDING_ORDER = (Screen.MESSAGE, Screen.CODE_PROMPT, Screen.SETUP_REQUIRED, Screen.APPLICATION, Screen.SIGN_IN)


def landed_on(page: Page, profile: Profile) -> Screen:
    """Which known screen the page shows, waiting up to the profile's timeout for one to appear."""
    markers = {screen: locate(page, profile.screens[screen.value]) for screen in Screen
               if screen.value in profile.screens}  # a product without a forced setup screen has no marker for it
    anything = None
    for marker in markers.values():
        anything = marker if anything is None else anything.or_(marker)
    assert anything is not None
    try:
        anything.first.wait_for(state="attached", timeout=profile.timeout_ms)
    except PlaywrightTimeout:
        pass
    for screen in LANDING_ORDER:
        if screen in markers and markers[screen].count() > 0:
            return screen
    if document_status(page) == 429:
        raise errors.RateLimited(f"the product answered 429 Too Many Requests on {page_path(page)}")
    raise_server_error(page)
    keys = ", ".join(f"screens.{screen.value}" for screen in markers)
    raise ElementMissing(f"none of the profile's screen markers ({keys}) finds anything on {page_path(page)}")


def raise_server_error(page: Page, navigation: Response | None = None) -> None:
    """A server error page is not a screen of the product's: an action answered by one shows nothing
    of its outcome, and read as a page without a refusal it would pass for done. The status comes from
    the navigation's response where the caller has it (asking the page costs a round trip per action:
    12 % of a browser run when every refusal check asked)."""
    status = navigation.status if navigation is not None else document_status(page)
    if status is not None and status >= 500:
        raise errors.ServerError(f"the product answered HTTP {status} (a server error) on {page_path(page)}")


def document_status(page: Page) -> int | None:
    """The HTTP status of the document the page shows (Chromium's navigation timing)."""
    try:
        return page.evaluate("() => performance.getEntriesByType('navigation')[0]?.responseStatus ?? null")
    except PlaywrightError:
        return None


_TABLE_JS = """t => [...t.querySelectorAll('tr, [role=row]')].map(
    r => [...r.querySelectorAll('th, td, [role=columnheader], [role=cell], [role=gridcell]')]
        .map(c => (c.innerText.replace(/\\s+/g, ' ').trim()
            || [...c.querySelectorAll('img[alt]')].map(i => i.alt).join(' '))))"""
"""Each row's cells as text; a cell showing only an icon reads as the icon's alternative text."""


def read_table(table: Element) -> list[dict[str, str]]:
    """Each data row of a table as {column header: cell text}."""
    table.wait()
    header, *rows = table.evaluate(_TABLE_JS) or [[]]  # type: ignore[misc]
    columns = [h.casefold() for h in header]
    return [{header[i]: cell for i, cell in enumerate(row) if i < len(header)} | {"_columns": columns}
            for row in rows if row and not (len(row) == 1 < len(header))]  # a lone cell: "no items" across the table


def column(row: dict[str, str], name: str, key: str, table: Element) -> str:
    """The cell of column `name` (the profile's `key`) in a row of `table`."""
    for header, cell in row.items():
        if header != "_columns" and header.casefold() == name.casefold():
            return cell
    raise ElementMissing(f"profile key {key} ({name!r}) names no column of the table {table.key} ({table.shown}) "
                         f"on {page_path(table.page)}")
