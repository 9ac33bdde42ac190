"""Systems whose driver could not read what it was shown, for tests/test_unread_pages.py.

`unread`: every page since the start holds text the driver could not read (as a browser
drops a body once the next page loads). `textless`: the driver kept addresses only.
Neither may let SEC-07 pass on the absence of a key it could not have seen.
"""

from __future__ import annotations

from dataclasses import replace

from mfa_conformance.driver import Page
from mfa_conformance.driver.inprocess import InProcessSystem


class _Unread(InProcessSystem):
    def pages_visited(self) -> list[Page]:
        pages = super().pages_visited()
        return pages[:1] + [replace(page, content="", unread=True) for page in pages[1:]]


class _Textless(InProcessSystem):
    def pages_visited(self) -> list[Page]:
        return [Page(page.address) for page in super().pages_visited()]


def unread() -> InProcessSystem:
    return _Unread()


def textless() -> InProcessSystem:
    return _Textless()
