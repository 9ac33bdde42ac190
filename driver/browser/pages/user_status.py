"""One user's MFA status on a page of its own, for products whose user list shows
none (a stock admin lists users on one page and authenticators on another).

`flows.user_status` leads there; `[user_status]` says how the page shows it: a
table with a row per device (or per user), the column that says it is
confirmed, and what the page shows when the user has none. The status is read
from what the page shows, either way: a page showing neither is a profile
mistake, never "not enrolled".
"""

from __future__ import annotations

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ..profile import Profile
from .base import Element, ElementMissing, column, page_path, read_table

__all__ = ["UserStatusPage"]


class UserStatusPage:
    def __init__(self, page: Page, profile: Profile) -> None:
        self.page = page
        self.config = config = profile.user_status
        timeout = profile.timeout_ms
        self.table = Element.of(page, config.table, timeout)
        self.none = Element.of(page, config.none, timeout) if "none" in config else None

    def enrolled(self, username: str) -> bool:
        shown = self.table.locator if self.none is None else self.table.locator.or_(self.none.locator)
        try:
            shown.first.wait_for(state="attached", timeout=self.table.timeout)
        except PlaywrightTimeout:
            pass
        if self.table.present():
            rows = [row for row in read_table(self.table)
                    if column(row, self.config.username_column, "user_status.username_column", self.table) == username]
            if rows:
                if "status_column" not in self.config:
                    return True
                return any(column(row, self.config.status_column, "user_status.status_column", self.table).casefold()
                           == self.config.enrolled_text.casefold() for row in rows)
        if self.none is not None and self.none.present():
            return False
        raise ElementMissing(
            f"cannot tell {username!r}'s MFA status on {page_path(self.page)}: profile key user_status.table "
            f"({self.table.shown}) shows no row of theirs and "
            + (f"user_status.none ({self.none.shown}) is not shown" if self.none is not None
               else "the profile names no user_status.none, what the page shows for a user without a device"))
