"""JUnit XML: one testsuite per feature, one testcase per scenario.

Written from the results model, not by pytest's --junitxml, so it holds the
Gherkin names CI users know, the failing step, the requirement IDs as
properties, and no captured output (where a careless driver could leak a
secret).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .model import Results, ScenarioResult

__all__ = ["junit_xml"]

_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("?", value)


def _testcase(results: Results, scenario: ScenarioResult) -> ET.Element:
    case = ET.Element("testcase", {
        "classname": scenario.feature_file.removesuffix(".feature").replace("/", "."),
        "name": _text(scenario.name), "time": f"{scenario.duration:.3f}",
        "file": scenario.feature_file, "line": str(scenario.line),
    })
    properties = ET.SubElement(case, "properties")
    for requirement in scenario.requirements:
        ET.SubElement(properties, "property", {"name": "requirement", "value": requirement})
    step = scenario.steps[scenario.failing_step] if scenario.failing_step is not None else None
    detail = (f"failed at: {step.keyword} {step.text}\n" if step else "") + scenario.message
    if scenario.where:
        detail += f"\n({scenario.where})"
    if scenario.status == "failed":
        headline = scenario.message.splitlines()[0] if scenario.message else "failed"
        failure = ET.SubElement(case, "failure", {"message": _text(headline),
                                                  "type": "failed step" if step else "error"})
        failure.text = _text(detail)
    elif scenario.status == "expected failure":
        entry = results.expected_failures[scenario.expectation.entry]  # type: ignore[union-attr]
        headline = f"expected failure: {entry.reason} (until {entry.until})"
        skipped = ET.SubElement(case, "skipped", {"type": "expected failure", "message": _text(headline)})
        skipped.text = _text(detail)
    elif scenario.status in ("skipped", "not applicable"):
        ET.SubElement(case, "skipped", {"message": _text(scenario.message)})
    return case


def junit_xml(results: Results) -> str:
    counts = results.counts
    root = ET.Element("testsuites", {
        "name": "mfa-conformance", "tests": str(len(results.scenarios)), "failures": str(counts["failed"]),
        "errors": "0", "skipped": str(counts["skipped"] + counts["not applicable"] + counts["expected failure"]),
        "time": f"{results.run.duration:.3f}", "timestamp": results.run.started,
    })
    for feature, scenarios in results.by_feature():
        suite = ET.SubElement(root, "testsuite", {
            "name": _text(feature.name), "tests": str(len(scenarios)),
            "failures": str(sum(s.status == "failed" for s in scenarios)), "errors": "0",
            "skipped": str(sum(s.status in ("skipped", "not applicable", "expected failure") for s in scenarios)),
            "time": f"{sum(s.duration for s in scenarios):.3f}", "timestamp": results.run.started,
            "file": feature.file,
        })
        suite.extend(_testcase(results, s) for s in scenarios)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
