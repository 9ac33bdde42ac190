"""`mfa-conformance survey`: which alternative of each declarable position a system takes.

Where the how-to leaves a choice (features/positions.toml), a probe per position
drives the system through the documented actions, on fresh practices and users
each time, and reads off which alternative its behaviour shows, or that it
shows none of the allowed ones (a failure, with the evidence). The result is
written as a positions file ready to pass with `--positions`. Like a FIDO
metadata statement, a declaration is then checked against behaviour: given
declared positions (the system's own, or `--positions FILE`), the survey
reports every one the system does not take.
"""
