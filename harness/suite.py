"""The acceptance suite as one pytest plugin: the harness's hooks and every step
definition. `mfa-conformance run` loads it with `-p`; the checkout's conftest.py
names it, so `pytest steps` works too."""

pytest_plugins = [
    "mfa_conformance.plugin",
    "mfa_conformance.console",
    "mfa_conformance.browser_options",
    "mfa_conformance.report.run_reports",
    "mfa_conformance.steps.starting_state",
    "mfa_conformance.steps.common",
    "mfa_conformance.steps.lockout",  # before signing_in, which imports it (pytest rewrites its asserts first)
    "mfa_conformance.steps.signing_in",
    "mfa_conformance.steps.enrollment",
    "mfa_conformance.steps.enforcement",
    "mfa_conformance.steps.user_management",
    "mfa_conformance.steps.recovery",
    "mfa_conformance.steps.safelist",
    "mfa_conformance.steps.security",
    "mfa_conformance.steps.security_flows",
    "mfa_conformance.steps.exploration",
]
