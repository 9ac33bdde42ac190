"""Page objects: the only place that builds locators.

Each takes a Playwright `Page` and the profile, builds its locators once from
the profile's specs, and exposes intentions (`sign_in(username, password)`,
`choose(app)`) that return data. The system and session classes call these
and never touch a selector.
"""

from .base import Screen, locate, refusal_on
from .enrollment import MfaConfigurationPage, SecurityPage
from .navigation import MainMenu, ProfileMenu
from .practice_security import PracticeSecuritySettingsPage
from .signing_in import CodePromptPage, SignInPage
from .support_console import SupportConsolePage
from .user_settings import UserSettingsPage

__all__ = [
    "Screen", "locate", "refusal_on", "SignInPage", "CodePromptPage", "ProfileMenu", "MainMenu", "SecurityPage",
    "MfaConfigurationPage", "PracticeSecuritySettingsPage", "UserSettingsPage", "SupportConsolePage",
]
