"""mfa_conformance: the conformance harness for account-level MFA.

What a vendor's driver needs comes from here: the driver interface, the named
refusals and the capabilities. Everything else lives in subpackages (the
command, the pytest plugin, the reference simulator, the browser driver).
"""

from .driver import Account, Capability, Detail, EnrollmentScreen, Feature, Page, Session, Stage, SystemUnderTest, UserStatus, errors
from .driver.errors import *  # noqa: F403  (the refusals, by name)
from .driver.errors import __all__ as _refusals

__all__ = ["Account", "Capability", "Detail", "EnrollmentScreen", "Feature", "Page", "Session", "Stage", "SystemUnderTest", "UserStatus",
           "errors", *_refusals]
