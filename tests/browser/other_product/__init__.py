"""Clinicware: an independent web product over the reference simulator, with
screens unlike the reference app's, to prove that a profile alone describes it.

Its QR code shows at once (no choice of app); the forced setup screen lists
the suggested apps as plain text; User Settings show no device names or roles;
its support console asks for a staff login and a password; its labels and
messages are its own, and it shows a message of its own for only some
refusals (a wrong code and a locked code entry read alike). It lives in the
tests only: nothing of the harness knows it.
"""
