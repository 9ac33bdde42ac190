"""Serve the stock django-two-factor-auth deployment.

    REAL_PRODUCT_PASSWORD=... REAL_PRODUCT_SUPPORT_PASSWORD=... \\
        DIR/bin/python -m tests.real_products.django_stack.serve --port 8772 --state STATE

Run from the repository root with the stack's own venv (README.md). Migrates the
SQLite database in STATE, collects the static files into STATE/static, provisions
the accounts of accounts.toml (missing ones only), then serves with waitress on
127.0.0.1:PORT and prints `django-stack: http://127.0.0.1:PORT` once it answers.
"""

import argparse
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path


def _announce_when_answering(url, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/account/login/", timeout=2)
        except urllib.error.HTTPError:
            break  # it answers, whatever it says
        except OSError:
            time.sleep(0.1)
            continue
        else:
            break
    else:
        print(f"django-stack: no answer on {url} after {timeout:.0f} s", file=sys.stderr, flush=True)
        os._exit(1)
    print(f"django-stack: {url}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.real_products.django_stack.serve",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state", type=Path, required=True,
                        help="folder of the SQLite database and the collected static files (created if missing)")
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads (default 8)")
    args = parser.parse_args(argv)

    state = args.state.resolve()
    state.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_STACK_STATE"] = str(state)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.real_products.django_stack.settings"

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    from .provision import ProvisioningError, provision

    try:
        created = provision()
    except ProvisioningError as e:
        print(f"django-stack: {e}", file=sys.stderr, flush=True)
        return 2
    if created:
        print(f"django-stack: created {', '.join(created)}", file=sys.stderr, flush=True)

    from django.core.wsgi import get_wsgi_application
    from waitress import serve

    application = get_wsgi_application()
    url = f"http://127.0.0.1:{args.port}"
    threading.Thread(target=_announce_when_answering, args=(url,), daemon=True).start()
    serve(application, host="127.0.0.1", port=args.port, threads=args.threads, ident="django-stack")
    return 0


if __name__ == "__main__":
    sys.exit(main())
