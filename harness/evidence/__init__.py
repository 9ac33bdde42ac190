"""Evidence an auditor can trust: one signed zip per run, its verification, the
differences between two runs, and a table comparing products.

`package` gathers a run's reports, the machine-readable results, the profile
without its passwords, the declared positions and the SHA-256 of the how-to,
catalogue and feature files into a canonical zip (`archive`) with a manifest of
every file's SHA-256, signed with Ed25519 (`signing`), and the run as an in-toto
test-result attestation in a DSSE envelope, inside the zip and beside it
(`attestation`). `verify` checks the signature, every hash, every byte of the
archive and the attestations. `compare` lists what changed between two runs,
report folders or packages. `table` puts verified packages side by side,
requirement by requirement. `cli` holds what the commands share: one line per
error, and the exit codes.
"""
