"""A pytest plugin for the browser tests: writes each failed scenario's
("mfa_evidence", ...) user property to the JSON file MFA_EVIDENCE_PROBE names."""

from __future__ import annotations

import json
import os

import pytest


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    target = os.environ.get("MFA_EVIDENCE_PROBE")
    evidence = dict(report.user_properties).get("mfa_evidence")
    if target and report.failed and evidence:
        with open(target, "a", encoding="utf-8") as probe:
            probe.write(json.dumps({"nodeid": report.nodeid, "evidence": evidence}) + "\n")
