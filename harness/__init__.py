"""The harness around the scenarios: command line, pytest plugin, catalogue, authenticator."""
