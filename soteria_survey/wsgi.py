"""WSGI entry point: `gunicorn soteria_survey.wsgi` (see gunicorn.conf.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soteria_survey.settings")

application = get_wsgi_application()
