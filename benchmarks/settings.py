"""The project's settings plus the benchmark's floor views (benchmarks/urls.py).

Only `make bench` serves these; the floors stay out of the app itself.
"""

from soteria_survey.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
