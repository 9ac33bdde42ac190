"""Clinicware's screens: Flask views over the clinic's simulator.

Each view runs one domain action and renders or redirects. A refusal becomes
the "Problem" box of the page (the sign-in page keeps its form), in
Clinicware's own words where it has some (MESSAGES), else in one general
sentence: the harness must tell the refusals it can name from those it cannot.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import Flask, make_response, redirect, render_template, request

from mfa_conformance.simulator import SUGGESTED_APPS, Stage
from mfa_conformance.simulator import errors as refusals

from .clinic import CLOCK_HEADER, Clinic
from .qa_hooks import qa_hooks

__all__ = ["create_app", "MESSAGES", "GENERAL"]

SESSION_COOKIE = "cw_session"
STAFF_COOKIE = "cw_staff"
MESSAGES = {
    "WrongCredentials": "That login and password don't match our records.",
    "MfaNotAvailable": "Two-factor sign-in isn't offered for your practice.",
    "DeviceNameRequired": "Give this phone a name so you can recognise it later.",
    "NotAccountHolder": "Only practice owners can open this page.",
    "SelfResetRefused": "Practice owners can't clear their own two-factor. Ask Clinicware support.",
    "UnknownUser": "No member of your practice has that login.",
}
GENERAL = "We couldn't complete that. Try again, or ask your practice owner."
"""What every other refusal shows: a wrong code and a locked code entry read alike."""
STAGE_PAGES = {Stage.CODE_REQUIRED: "/login/verify", Stage.SETUP_REQUIRED: "/welcome/protect",
               Stage.SIGNED_IN: "/dashboard"}


def _words(error: refusals.MfaError) -> str:
    name = type(error).__name__
    if name == "InvalidSafelistEntry":
        return f"Check the address list: {error}"
    return MESSAGES.get(name, GENERAL)


def create_app(clinic: Clinic) -> Flask:
    app = Flask(__name__)
    key = secrets.token_bytes(32)
    staff_mark = hmac.new(key, b"staff", hashlib.sha256).hexdigest()
    app.register_blueprint(qa_hooks(clinic))

    def lane() -> str:
        return request.headers.get(CLOCK_HEADER, "")

    def token() -> str:
        return request.cookies.get(SESSION_COOKIE, "")

    def run(action):
        return clinic.run(lane(), action)

    def stage() -> Stage | None:
        try:
            return run(lambda sim: sim.stage(token()))
        except refusals.SessionEnded:
            return None

    def page(template: str, status: int = 200, **values):
        me = None
        now = stage()
        if now is Stage.SIGNED_IN:
            me = run(lambda sim: sim.mfa_status(token()))
        holder = me is not None and me.account_holder
        return render_template(template, stage=now, me=me, holder=holder, **values), status

    def problem(error: refusals.MfaError):
        return page("problem.html", 403, problem=_words(error))

    app.register_error_handler(refusals.MfaError, problem)

    def signed_in_or_redirect():
        now = stage()
        if now is not Stage.SIGNED_IN:
            return redirect(STAGE_PAGES.get(now, "/login"), 303) if now else redirect("/login", 303)
        return None

    @app.after_request
    def no_store(response):
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.get("/")
    def start():
        now = stage()
        return redirect(STAGE_PAGES[now] if now else "/login", 303)

    @app.get("/login")
    def login():
        return page("login.html")

    @app.post("/login")
    def login_submit():
        try:
            session, now = run(lambda sim: sim.sign_in(request.form.get("login", "").strip(),
                                                       request.form.get("password", "")))
        except refusals.MfaError as error:
            return page("login.html", 403, problem=_words(error))
        response = make_response(redirect(STAGE_PAGES[now], 303))
        response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="Lax")
        return response

    @app.get("/login/verify")
    def verify():
        return page("verify.html") if stage() is Stage.CODE_REQUIRED else redirect("/", 303)

    @app.post("/login/verify")
    def verify_submit():
        now = run(lambda sim: sim.submit_code(token(), request.form.get("code", "").strip()))
        return redirect(STAGE_PAGES[now], 303)

    @app.post("/logout")
    def logout():
        try:
            run(lambda sim: sim.sign_out(token()))
        except refusals.SessionEnded:
            pass
        response = make_response(redirect("/login", 303))
        response.delete_cookie(SESSION_COOKIE)
        return response

    @app.get("/dashboard")
    def dashboard():
        return signed_in_or_redirect() or page("dashboard.html")

    def enrollment(template: str, **values):
        screen = run(lambda sim: sim.begin_enrollment(token()))
        return page(template, apps=SUGGESTED_APPS, qr=base64.b64encode(screen.qr_png).decode("ascii"), **values)

    def save_device(then: str):
        run(lambda sim: sim.save_device(token(), request.form.get("code", "").strip(), request.form.get("phone", "")))
        return redirect(then, 303)

    @app.get("/welcome/protect")
    def protect():
        return enrollment("protect.html") if stage() is Stage.SETUP_REQUIRED else redirect("/", 303)

    @app.post("/welcome/protect")
    def protect_submit():
        return save_device("/dashboard")

    @app.get("/account/security")
    def security():
        return signed_in_or_redirect() or page("security.html")

    @app.get("/account/security/authenticator")
    def authenticator():
        if (away := signed_in_or_redirect()) is not None:
            return away
        if run(lambda sim: sim.mfa_status(token())).enrolled:
            return page("authenticator.html")
        return enrollment("authenticator.html")

    @app.post("/account/security/authenticator")
    def authenticator_submit():
        return save_device("/account/security/authenticator")

    @app.get("/admin/policy")
    def policy():
        enforced = run(lambda sim: sim.enforcement(token()))
        addresses = run(lambda sim: sim.safelist(token()))
        return page("policy.html", enforced=enforced, addresses="\n".join(addresses))

    @app.post("/admin/policy/requirement")
    def requirement():
        run(lambda sim: sim.set_enforcement(token(), request.form.get("required") == "yes"))
        return redirect("/admin/policy", 303)

    @app.post("/admin/policy/addresses")
    def addresses():
        lines = [line.strip() for line in request.form.get("addresses", "").splitlines() if line.strip()]
        run(lambda sim: sim.set_safelist(token(), lines))
        return redirect("/admin/policy", 303)

    @app.get("/admin/people")
    def people():
        query = request.args.get("login")
        if query is None:
            members = run(lambda sim: sim.user_statuses(token()))
        else:
            found = run(lambda sim: sim.find_user(token(), query.strip()))
            members = [found] if found else []
        return page("people.html", members=members, query=query)

    @app.get("/admin/people/<login>")
    def member(login: str):
        found = run(lambda sim: sim.find_user(token(), login))
        return page("member.html", member=found) if found else redirect(f"/admin/people?login={login}", 303)

    @app.post("/admin/people/<login>/clear")
    def clear(login: str):
        run(lambda sim: sim.reset_mfa(token(), login))
        return redirect(f"/admin/people/{login}", 303)

    # The support console, behind a staff login and password
    def staff() -> bool:
        return hmac.compare_digest(request.cookies.get(STAFF_COOKIE, ""), staff_mark)

    @app.get("/staff")
    def console():
        if not staff():
            return page("staff_login.html")
        query = request.args.get("login")
        found = run(lambda sim: sim.support_find_user(query.strip())) if query else None
        return page("staff.html", found=found, query=query)

    @app.post("/staff")
    def console_login():
        login_ok = hmac.compare_digest(request.form.get("login", "").encode(), clinic.staff_login.encode())
        password_ok = hmac.compare_digest(request.form.get("password", "").encode(), clinic.staff_password.encode())
        if not (login_ok and password_ok):
            return page("staff_login.html", 403, problem="Those staff credentials are not valid.")
        response = make_response(redirect("/staff", 303))
        response.set_cookie(STAFF_COOKIE, staff_mark, httponly=True, samesite="Strict")
        return response

    @app.post("/staff/<login>/clear")
    def console_clear(login: str):
        if not staff():
            return redirect("/staff", 303)
        run(lambda sim: sim.support_reset_mfa(login))
        return redirect(f"/staff?login={login}", 303)

    return app
