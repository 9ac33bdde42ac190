"""Evidence an auditor can trust: one signed zip per run, its verification, and
the differences between two runs.

`package` gathers a run's reports, the machine-readable results, the profile
without its passwords, the declared positions and the SHA-256 of the how-to,
catalogue and feature files into a canonical zip (`archive`) with a manifest of
every file's SHA-256, signed with Ed25519 (`signing`). `verify` checks the
signature, every hash and every byte of the archive. `compare` lists what changed
between two runs, report folders or packages. `cli` holds what the three
commands share: one line per error, and the exit codes.
"""
