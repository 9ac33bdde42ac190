"""What a vendor types: `from mfa_conformance.errors import ...`, `mfa-conformance --version`."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import mfa_conformance
from mfa_conformance import errors
from mfa_conformance.driver import errors as driver_errors


def test_the_named_refusals_import_from_mfa_conformance_errors() -> None:
    from mfa_conformance.errors import CodeRejected, MfaLocked, Refused

    assert CodeRejected is driver_errors.CodeRejected and issubclass(MfaLocked, Refused)
    assert set(errors.__all__) == set(driver_errors.__all__)
    assert all(getattr(errors, name) is getattr(mfa_conformance, name) for name in driver_errors.__all__)


def test_the_command_says_its_version() -> None:
    done = subprocess.run([sys.executable, "-m", "mfa_conformance.cli", "--version"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and done.stdout == f"mfa-conformance {version('mfa-conformance')}\n"
    assert done.stderr == ""
