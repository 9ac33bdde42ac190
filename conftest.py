"""Loads the acceptance suite (the harness's plugin and every step definition) for
every pytest run in the checkout; an installed `mfa-conformance run` loads the same
module with `-p`."""

pytest_plugins = ["mfa_conformance.suite"]
