"""The deployment: Flask-Security-Too with its own Flask-SQLAlchemy datastore,
Flask-Admin over the User model, Flask-Limiter on the login view.

Configuration only. The models are the stack's packaged ones, declared as its
quickstart gives them (fsqla_v3); every MFA behaviour (enrolment, code prompt,
code checks, freshness, CSRF) is Flask-Security-Too's own views and templates.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, render_template
from flask_admin import Admin, AdminIndexView
from flask_admin.contrib.sqla import ModelView
from flask_admin.form import SecureForm
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_mail import Mail
from flask_security import (
    Security,
    SQLAlchemyUserDatastore,
    auth_required,
    current_user,
    uia_username_mapper,
)
from flask_security.models import fsqla_v3 as fsqla
from flask_sqlalchemy import SQLAlchemy

HERE = Path(__file__).resolve().parent
DEFAULT_LOGIN_RATE = "100/minute"

# Models, as the Flask-Security-Too quickstart and examples declare them.
db = SQLAlchemy()
fsqla.FsModels.set_db_info(db)


class Role(db.Model, fsqla.FsRoleMixin):
    pass


class User(db.Model, fsqla.FsUserMixin):
    pass


class WebAuthn(db.Model, fsqla.FsWebAuthnMixin):  # the User model relates to it (webauthn is installed)
    pass


# Admin console: stock Flask-Admin views, configured.
class AdminHome(AdminIndexView):
    def is_accessible(self):
        return current_user.has_role("admin")


class UserAdmin(ModelView):
    form_base_class = SecureForm  # Flask-Admin's CSRF-protected form
    can_create = False
    can_delete = False
    column_list = ["username", "active", "tf_primary_method"]
    column_labels = {"tf_primary_method": "Two-factor method", "tf_totp_secret": "Two-factor secret"}
    column_searchable_list = ["username"]
    form_columns = ["username", "active", "tf_primary_method", "tf_totp_secret"]
    form_widget_args = {"username": {"readonly": True}}

    def is_accessible(self):
        return current_user.has_role("admin")


def create_app(state_dir: Path, secrets: dict[str, str]) -> Flask:
    app = Flask(__name__, template_folder=str(HERE / "templates"))
    app.config.update(
        SECRET_KEY=secrets["secret_key"],
        SECURITY_PASSWORD_SALT=secrets["password_salt"],
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{(state_dir / 'fst.sqlite3').resolve()}",
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, "connect_args": {"timeout": 30}},
        SQLALCHEMY_TRACK_MODIFICATIONS=False,
        # Cookies as the quickstart sets them; plain HTTP on loopback.
        SESSION_COOKIE_SAMESITE="strict",
        REMEMBER_COOKIE_SAMESITE="strict",
        SESSION_COOKIE_SECURE=False,
        # Sign-in by username.
        SECURITY_USERNAME_ENABLE=True,
        SECURITY_USERNAME_ALLOWED_CHARS=["L", "N", "Po"],  # letters, digits, "." as in dana.a
        SECURITY_USER_IDENTITY_ATTRIBUTES=[
            {"username": {"mapper": uia_username_mapper, "case_insensitive": True}},
        ],
        # Two-factor with an authenticator app, optional self-enrolment.
        SECURITY_TWO_FACTOR=True,
        SECURITY_TWO_FACTOR_ENABLED_METHODS=["authenticator"],
        SECURITY_TWO_FACTOR_REQUIRED=False,
        SECURITY_TWO_FACTOR_RESCUE_EMAIL=False,  # no codes by e-mail: authenticator only
        SECURITY_TOTP_SECRETS={"1": secrets["totp_secret"]},
        SECURITY_TOTP_ISSUER="Flask-Security Practice",
        # Features the product does not offer.
        SECURITY_CHANGEABLE=False,
        SECURITY_RECOVERABLE=False,
        SECURITY_REGISTERABLE=False,
        SECURITY_POST_LOGOUT_VIEW="/login",  # "/" needs a sign-in; land on the form instead
        # The rescue form's "Contact Administrator" mails the vendor; no mail
        # server here, so Flask-Mail keeps such mail in its outbox.
        MAIL_SUPPRESS_SEND=True,
        SECURITY_TWO_FACTOR_RESCUE_MAIL="support@practice.example.com",
        # Flask-Limiter: stock 429 with Retry-After / X-RateLimit-* headers.
        RATELIMIT_HEADERS_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
    )
    # CSRF: Flask-Security's forms are FlaskForms with per-session CSRF tokens
    # (the stack's default); Flask-Admin's forms use its SecureForm (above).

    db.init_app(app)
    Mail(app)
    app.security = Security(app, SQLAlchemyUserDatastore(db, User, Role, WebAuthn))

    limiter = Limiter(get_remote_address, app=app)
    login_rate = os.environ.get("FST_LOGIN_RATE", DEFAULT_LOGIN_RATE)
    app.view_functions["security.login"] = limiter.limit(login_rate, methods=["POST"])(
        app.view_functions["security.login"]
    )

    admin = Admin(app, name="Practice admin", url="/admin", index_view=AdminHome())
    admin.add_view(UserAdmin(User, db.session, name="Users"))

    @app.route("/")
    @auth_required()
    def home():
        return render_template("home.html")

    return app
