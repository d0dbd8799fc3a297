"""The yardstick: the same survey served by django-survey-and-report (PyPI), the
maintained Django survey package, for `make bench` to set beside our own.

- settings.py, urls.py: a separate Django project serving only that package, with
  production-like settings, on its own database ``soteria_bench_yardstick``;
- survey.py: makes (or reuses) one survey there with our reporter's questions;
- bench.py: serves it with gunicorn and loads its survey page and submissions with wrk.

    python -m benchmarks.yardstick [--window N]
"""

DATABASE = "soteria_bench_yardstick"
