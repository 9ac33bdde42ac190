"""The project's own tests: the simulator's units and properties, the TOTP
component against RFC 6238, and the acceptance suite's power to catch broken
simulators (tests/mutants.py)."""
