"""Loads the harness plugin and the step definitions for every pytest run."""

pytest_plugins = [
    "harness.plugin",
    "harness.console",
    "driver.browser.plugin",
    "harness.report.plugin",
    "steps.common",
    "steps.signing_in",
    "steps.enrollment",
    "steps.enforcement",
    "steps.user_management",
    "steps.recovery",
    "steps.safelist",
    "steps.exploration",
]
