"""Rate limits: a product that answers "too many requests" is waited out, not failed.

Real products limit sign-ins per minute from one address (often about 30). A
run of the whole suite meets such a limit, and the harness's own pace is not
the product's fault: a `429` answer, or a page the profile names as the
product's "too many attempts" screen (`screens.rate_limited`), makes the driver
wait (the `Retry-After` the product sends, else backing off) and try the
action again, within a budget (`system.rate_limit_wait`). Where the profile
gives the product's limit (`system.sign_ins_per_minute`), sign-ins are paced
to stay under it, shared among the parallel workers.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from weakref import WeakKeyDictionary

from playwright.sync_api import Page, Response

from .pages.base import document_status

__all__ = ["Pacer", "RATE_LIMITED"]

RATE_LIMITED = 429
WINDOW = 60.0
FIRST_BACKOFF = 5.0


class Pacer:
    """One worker's sign-ins and the "too many requests" answers its pages met."""

    def __init__(self, per_minute: int | None, workers: int, budget: float,
                 wait: Callable[[float, str], None]) -> None:
        self.per_minute = max(1, per_minute // max(1, workers)) if per_minute else None
        """This worker's share of the product's limit."""
        self.budget = budget
        self.wait = wait
        self._sign_ins: deque[float] = deque()
        self._limited: WeakKeyDictionary[Page, float | None] = WeakKeyDictionary()
        """A page whose last document was a 429: the Retry-After it gave (None: none)."""

    def seen(self, response: Response) -> None:
        """Every response of a watched context: remember a page's 429, forget it at the next document."""
        try:
            request = response.request
            if not request.is_navigation_request() or request.frame.parent_frame is not None:
                return
            page = request.frame.page
            if response.status == RATE_LIMITED:
                self._limited[page] = _seconds(response.headers.get("retry-after"))
            else:
                self._limited.pop(page, None)
        except Exception:  # a closing page: nothing to remember
            pass

    def limited(self, page: Page, marker_shown: bool) -> bool:
        # the response event may come after the page has loaded: the page's own status says it too
        return page in self._limited or marker_shown or document_status(page) == RATE_LIMITED

    def retry_after(self, page: Page) -> float | None:
        return self._limited.get(page)

    def before_sign_in(self) -> None:
        """Keep this worker under its share of the product's sign-ins a minute."""
        if self.per_minute is None:
            return
        now = time.monotonic()
        while self._sign_ins and now - self._sign_ins[0] >= WINDOW:
            self._sign_ins.popleft()
        if len(self._sign_ins) >= self.per_minute:
            self.wait(WINDOW - (now - self._sign_ins[0]) + 0.5,
                      f"the product's limit of sign-ins a minute ({self.per_minute} for this worker)")
        self._sign_ins.append(time.monotonic())

    def backoffs(self) -> list[float]:
        """The waits before each retry, doubling, within the budget."""
        waits, total, wait = [], 0.0, FIRST_BACKOFF
        while total + wait <= self.budget:
            waits.append(wait)
            total += wait
            wait = min(wait * 2, 60.0)
        return waits


def _seconds(header: str | None) -> float | None:
    if not header:
        return None
    try:
        return max(0.0, min(float(header.strip()), 3600.0))
    except ValueError:
        return None  # an HTTP date: back off instead
