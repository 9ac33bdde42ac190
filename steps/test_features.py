"""Binds every scenario of the feature folder to the step definitions.

The folder is features/ unless MFA_FEATURES names another (as `mfa-conformance
run --features` does, e.g. to replay an exploration counterexample).
"""

import os

from pytest_bdd import scenarios

from mfa_conformance.catalogue import FEATURES_DIR

scenarios(os.environ.get("MFA_FEATURES") or str(FEATURES_DIR))
