"""Self-enrollment and the forced setup screen: choose an app, scan, code, name, save."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from mfa_conformance.driver import Detail, EnrollmentScreen, Feature, SystemUnderTest
from mfa_conformance.people.authenticator import AuthenticatorApp, KeyUri, QrCodeReader

from .cast import Cast, Persona, shown
from .outcome import Outcome, attempt

PRONOUN = r"(?:her|his|their)"
OTHER_APP = "another TOTP-compatible app"


def _spotlit(cast: Cast) -> Persona:
    assert cast.spotlight is not None, "no persona has been named yet"
    return cast.spotlight


@when(parsers.re(rf"(?P<name>\w+) opens the authenticator setup from {PRONOUN} profile's security settings"),
      target_fixture="outcome")
def _(cast: Cast, name: str) -> Outcome:
    persona = cast[name]
    return attempt(f"{name} opening the MFA Configuration page", persona.open_setup)


@given(parsers.parse("{name} has opened the authenticator setup"))
def _(cast: Cast, name: str) -> None:
    cast[name].open_setup()


@when(parsers.parse("{name} chooses {app} on the MFA Configuration page"))
def _(cast: Cast, name: str, app: str) -> None:
    persona = cast[name]
    if app == OTHER_APP:  # needs no suggested app: any TOTP app scans the code
        persona.open_setup(None)
        return
    suggested = persona.open_setup().suggested_apps
    _suggests(cast.system, suggested, "the MFA Configuration page")
    chosen = {"the first suggested app": suggested[0], "the last suggested app": suggested[-1]}.get(app)
    persona.open_setup(chosen)


def _suggests(system: SystemUnderTest, apps: tuple[str, ...], where: str) -> None:
    """The screen suggests apps; where the product has none to suggest, that requirement fails naming it."""
    if not apps and Feature.SUGGESTED_APPS in system.lacks:
        raise system.lacking(Feature.SUGGESTED_APPS)
    assert apps, f"{where} suggests no authenticator app"


@given(parsers.re(rf"(?P<name>\w+) has set up MFA with {PRONOUN} phone"))
def _(cast: Cast, name: str) -> None:
    persona = cast[name]
    if cast.seeds("ENR"):
        persona.seed_device()
    else:
        persona.set_up_mfa()


@given(parsers.re(rf"(?P<name>\w+) scans the QR code with {PRONOUN} phone"))
@when(parsers.re(rf"(?P<name>\w+) scans the QR code with {PRONOUN} phone"))
def _(cast: Cast, name: str) -> None:
    cast[name].scan()


@given(parsers.re(rf"(?P<name>\w+) scans the QR code with {PRONOUN} new phone"))
@when(parsers.re(rf"(?P<name>\w+) scans the QR code with {PRONOUN} new phone"))
def _(cast: Cast, name: str) -> None:
    persona = cast[name]
    persona.lose_phone()
    persona.scan()


@given(parsers.re(rf"\w+ saves the device as \"(?P<device>[^\"]+)\" with the code {PRONOUN} phone shows"),
       target_fixture="outcome")
@when(parsers.re(rf"\w+ saves the device as \"(?P<device>[^\"]+)\" with the code {PRONOUN} phone shows"),
      target_fixture="outcome")
def _(cast: Cast, device: str) -> Outcome:
    persona = _spotlit(cast)
    return attempt(f"{persona.name} saving the device", lambda: persona.save_device(device))


@when(parsers.re(rf"\w+ saves the device as \"(?P<device>[^\"]+)\" with a code that is not {PRONOUN} phone's"),
      target_fixture="outcome")
def _(cast: Cast, device: str) -> Outcome:
    persona = _spotlit(cast)
    wrong = f"{(int(persona.phone.code_at_offset(0)) + 500_000) % 1_000_000:06d}"
    assert persona.session is not None
    return attempt(f"{persona.name} saving the device with a wrong code",
                   lambda: persona.session.save_device(wrong, device))


@when(parsers.re(r"\w+ saves the device as \"(?P<device>[^\"]+)\" with the noted code"), target_fixture="outcome")
def _(cast: Cast, device: str) -> Outcome:
    persona = _spotlit(cast)
    assert persona.session is not None and persona.noted_code is not None
    return attempt(f"{persona.name} saving the device with an old code",
                   lambda: persona.session.save_device(persona.noted_code, device))


@when(parsers.re(rf"\w+ saves the device with no name and the code {PRONOUN} phone shows"), target_fixture="outcome")
def _(cast: Cast) -> Outcome:
    persona = _spotlit(cast)
    return attempt(f"{persona.name} saving an unnamed device", lambda: persona.save_device(""))


def _tablet(persona: Persona) -> AuthenticatorApp:
    """The persona's second device, where the system lets a user have several."""
    tablet = getattr(persona, "tablet", None)
    assert isinstance(tablet, AuthenticatorApp), f"{persona.name} has scanned no QR code with a tablet"
    return tablet


@when(parsers.re(rf"(?P<name>\w+) scans the QR code with {PRONOUN} tablet"))
def _(cast: Cast, name: str) -> None:
    persona = cast[name]
    screen = persona.screen or persona.open_setup()
    tablet = persona.tablet = persona.new_phone()  # type: ignore[attr-defined]
    tablet.scan(screen.qr_png)
    persona.screen = None
    persona.uncertain = True  # the harness's record of accounts knows one phone per account


@when(parsers.re(rf"\w+ saves the device as \"(?P<device>[^\"]+)\" with the code {PRONOUN} tablet shows"),
      target_fixture="outcome")
def _(cast: Cast, device: str) -> Outcome:
    persona = _spotlit(cast)
    assert persona.session is not None
    code = _tablet(persona).current_code()
    return attempt(f"{persona.name} saving a second device", lambda: persona.session.save_device(code, device))


@when(parsers.re(rf"(?P<name>\w+) enters the code {PRONOUN} tablet shows"), target_fixture="outcome")
def _(cast: Cast, name: str) -> Outcome:
    persona = cast[name]
    code = _tablet(persona).current_code()
    return attempt(f"{name}'s code from the tablet", lambda: persona.enter_code(code))


@then(parsers.re(r"\w+ is asked to choose one of the suggested authenticator apps"))
def _(cast: Cast, outcome: Outcome) -> None:
    screen = outcome.succeeded()
    assert isinstance(screen, EnrollmentScreen)
    _suggests(cast.system, screen.suggested_apps, "the MFA Configuration page")


@then(parsers.re(r"(?:she|he|they) is shown a QR code to scan with it|\w+ is shown a QR code to scan with it"))
def _(outcome: Outcome) -> None:
    screen = outcome.succeeded()
    assert isinstance(screen, EnrollmentScreen)
    KeyUri.parse(QrCodeReader.read(screen.qr_png))


@then("the setup screen offers the suggested authenticator apps and a QR code")
def _(cast: Cast) -> None:
    persona = _spotlit(cast)
    screen = persona.open_setup()
    _suggests(cast.system, screen.suggested_apps, "the setup screen")
    KeyUri.parse(QrCodeReader.read(screen.qr_png))


def every_app_problems(key: KeyUri) -> list[str]:
    """What would keep some authenticator app from keeping the key the system meant
    (SGN-02): the phone reads more than every app does, so this is stricter than
    `KeyUri.parse`. Each problem names the field, what it was and what every app
    needs; none carries the secret or the URI."""
    problems = []
    if not key.issuer:
        problems.append("no issuer, where every app needs one to name the entry")
    if not key.account:
        problems.append("no account name in its label, where every app needs one")
    if key.label_issuer is not None and key.issuer != key.label_issuer:
        problems.append(f"issuer {key.issuer!r} but the label's issuer prefix {key.label_issuer!r}, "
                        "where every app needs the two equal")
    if key.algorithm != "SHA1":
        problems.append(f"algorithm {key.algorithm}, where every app needs SHA1")
    if key.digits != 6:
        problems.append(f"digits {key.digits}, where every app needs 6")
    if key.period != 30:
        problems.append(f"period {key.period} s, where every app needs 30 s")
    if key.secret_padded:
        problems.append("a secret padded with '=', where every app needs base32 without padding")
    if key.secret_lowercase:
        problems.append("a secret in lowercase, where every app needs uppercase base32")
    if key.secret_bits < 160:
        problems.append(f"a secret of {key.secret_bits} bits, where every app needs at least 160")
    problems.extend(f"the parameter {name} given more than once, where every app needs each once"
                    for name in key.repeated)
    return problems


@then("the QR code holds a TOTP key that every authenticator app accepts")
def _(cast: Cast) -> None:
    persona = _spotlit(cast)
    key = persona.phone.last_scanned
    assert key is not None, f"{persona.name}'s phone has scanned no QR code"
    problems = every_app_problems(key)
    assert not problems, "the Key URI has " + "; ".join(problems)


@then(parsers.re(r"(?P<name>\w+)'s own MFA status shows the device \"(?P<device>[^\"]+)\""))
def _(cast: Cast, outcome: Outcome, name: str, device: str) -> None:
    status = cast[name].ensure_signed_in().own_mfa_status()
    assert status.enrolled, f"{name}'s MFA status is not enrolled"
    if shown(cast, Detail.OWN_DEVICE_NAME, f"{name}'s device name in {cast[name].possessive} own MFA status"):
        assert status.device_name == device, f"{name}'s device is {status.device_name!r}, not {device!r}"


@then(parsers.re(r"(?P<name>\w+)'s own MFA status shows no device"))
def _(cast: Cast, name: str) -> None:
    persona = cast[name]
    assert persona.session is not None
    status = persona.session.own_mfa_status()
    assert not status.enrolled, f"{name} is enrolled with {status.device_name!r}"
