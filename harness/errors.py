"""`from mfa_conformance.errors import CodeRejected`: the named refusals a driver raises.

The same classes as `mfa_conformance.driver.errors`, where they are defined beside
the driver interface; this module is the short name a vendor's driver imports.
"""

from .driver.errors import *  # noqa: F403
from .driver.errors import __all__  # noqa: F401
