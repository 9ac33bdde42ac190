"""Binds every scenario of the feature folder to the step definitions.

The folder is features/ unless the run's `--features` option names another file
or folder (as `mfa-conformance run --features` does, e.g. to replay an exploration
counterexample): pytest-bdd binds at import, so the option is read from the run
being configured.
"""

from pytest_bdd import scenarios

from mfa_conformance.steps.feature_files import bound_features
from mfa_conformance.steps.pytest_bdd_private import current_config

scenarios(str(bound_features(current_config())))
