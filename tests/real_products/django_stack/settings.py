"""Django settings of the stock django-two-factor-auth deployment.

Configuration only: every MFA page, form, message and rule is the stack's own
(django-two-factor-auth's login and setup wizards and profile page, django-otp's
TOTP device, throttling and admin). The state folder comes from the environment
(DJANGO_STACK_STATE, set by serve.py from --state).
"""

import os
import secrets
from pathlib import Path

HERE = Path(__file__).resolve().parent
STATE = Path(os.environ.get("DJANGO_STACK_STATE", HERE / "state")).resolve()

# A random key per start unless one is given: sessions do not outlive a restart then.
SECRET_KEY = os.environ.get("DJANGO_STACK_SECRET_KEY") or secrets.token_urlsafe(50)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # The site's name is the issuer of the TOTP key URI (two_factor's setup wizard
    # uses get_current_site); without the sites framework it would be the request's
    # host, "127.0.0.1:PORT", whose colon the Key URI format does not allow.
    "django.contrib.sites",
    # django-two-factor-auth's installation: django-otp, its static (backup token)
    # and TOTP plugins, then two_factor. Only the token generator method is
    # registered: no two_factor.plugins.phonenumber / yubikey / email / webauthn.
    # otp_totp's admin.py registers the stock TOTPDevice admin.
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tests.real_products.django_stack.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": STATE / "db.sqlite3",
        # waitress serves from several threads: each transaction takes SQLite's write lock as it
        # begins and waits for it (Django's default, a deferred transaction, fails at once with
        # "database is locked" when it reads and then writes while another thread writes: the
        # admin's delete answered 500), and readers do not block the writer (WAL).
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE",
                    "init_command": "PRAGMA journal_mode=WAL;"},
    }
}

SITE_ID = 1

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = STATE / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# django-two-factor-auth: its login wizard is the only login page. The admin's
# login is patched by two_factor to redirect there (TWO_FACTOR_PATCH_ADMIN, default
# True), so no password-only way into the admin exists.
LOGIN_URL = "two_factor:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "two_factor:login"

# django-otp: the admin does not show a TOTP device's key or its QR code
# (default False would show both to anyone who may view devices).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Plain HTTP on loopback.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR"},
        "two_factor": {"handlers": ["console"], "level": "INFO"},
    },
}
