"""A Django project serving only django-survey-and-report, production-like.

DEBUG off; the apps and middleware that package needs (sessions, CSRF, messages, auth),
plus gzip as ours has, and WhiteNoise serving the package's static files from its own
directory (no collectstatic). Read from the environment: DJANGO_SECRET_KEY, and
DATABASE_URL for the server only: the database is always ``soteria_bench_yardstick``.
"""

import os

import dj_database_url

from benchmarks.databases import url_for
from benchmarks.yardstick import DATABASE

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

DATABASES = {
    "default": dj_database_url.parse(
        url_for(os.environ["DATABASE_URL"], DATABASE),
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ValueError("DATABASE_URL must point at PostgreSQL.")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "survey",
]

MIDDLEWARE = [
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "benchmarks.yardstick.urls"
WSGI_APPLICATION = "soteria_survey.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The package reads these from Django's settings. Our choice labels contain commas,
# the package's default separator.
CHOICES_SEPARATOR = "|"
USER_DID_NOT_ANSWER = "Left blank"
DEFAULT_SURVEY_PUBLISHING_DURATION = 7

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Static files are not loaded under wrk. The package's templates name a favicon it does
# not ship, so no manifest storage: WhiteNoise serves the app directories as they are.
STATIC_URL = "static/"
WHITENOISE_USE_FINDERS = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

# As ours in production, but served over plain HTTP on 127.0.0.1 (no SSL redirect).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_HSTS_SECONDS = 63072000
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# Errors to standard error (gunicorn's error log), as ours.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
