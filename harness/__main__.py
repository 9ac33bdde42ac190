"""`python -m mfa_conformance` is `mfa-conformance`."""

import sys

from .cli import main

sys.exit(main())
