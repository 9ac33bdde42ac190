"""A stock django-two-factor-auth deployment, configuration only (README.md)."""
