"""The requirement catalogue and the feature files, shipped as package data
(`mfa_conformance.features`) so an installed harness finds them anywhere."""
