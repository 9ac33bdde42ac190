"""The driver interface between the scenarios and a system under test."""

from . import errors
from .interface import (
    Account, Capability, Detail, EnrollmentScreen, Feature, Page, Session, Stage, SystemUnderTest, UserStatus,
)

__all__ = ["Account", "Capability", "Detail", "EnrollmentScreen", "Feature", "Page", "Session", "Stage", "SystemUnderTest", "UserStatus",
           "errors"]
