"""Tests of the conformance report: real runs against a broken simulator, the files they write,
expected failures, secrets, and report.html in a browser."""
