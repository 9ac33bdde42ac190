"""Binds every scenario of features/ to the step definitions."""

from pytest_bdd import scenarios

scenarios("")
