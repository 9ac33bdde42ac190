"""Tests of the evidence package, its verification and the comparison of two runs."""
