"""Serve Clinicware on loopback: `python -m tests.browser.other_product.serve [--port N]`.

The staff login and password of its support console come from the environment
(CLINICWARE_STAFF_LOGIN, CLINICWARE_STAFF_PASSWORD). The first line printed is
"clinicware: http://127.0.0.1:PORT", once it answers.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from werkzeug.serving import make_server

from .app import create_app
from .clinic import Clinic


def main() -> None:
    parser = argparse.ArgumentParser(prog="clinicware")
    parser.add_argument("--port", type=int, default=0)
    port = parser.parse_args().port
    clinic = Clinic(staff_login=os.environ["CLINICWARE_STAFF_LOGIN"],
                    staff_password=os.environ["CLINICWARE_STAFF_PASSWORD"])
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = make_server("127.0.0.1", port, create_app(clinic), threaded=True)
    print(f"clinicware: http://127.0.0.1:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
