"""The shipped vendor profiles (`mfa_conformance.profiles`): the reference
app's, and the relabelled proof. A profile elsewhere may `extends` one by name."""
