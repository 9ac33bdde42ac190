"""A stock Flask-Security-Too deployment for the harness to check as a real product.

Configuration only: no MFA logic is written here (see README.md). It runs in its
own virtual environment (requirements.txt) and is never imported by the harness.
"""
