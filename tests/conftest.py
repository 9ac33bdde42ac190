"""Hypothesis settings for the project's tests, chosen by configuration.

`HYPOTHESIS_PROFILE=thorough` runs many more examples; the default keeps a
run of tests/ fast on two cores. No deadline: a slow example on a loaded CI
machine is not a failure (tests never fail on wall-clock time).
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("project", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "project"))
