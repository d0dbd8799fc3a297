"""Soteria Survey settings: one module, read from the environment.

Every setting an operator may change is an environment variable listed in README.md.
With DJANGO_DEBUG off (the default), a missing or malformed value stops start-up with
ImproperlyConfigured naming the variable: what production runs is what is read here.
"""

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email
from django.utils.csp import CSP

# Classes that Django's type stubs make generic, such as ModelAdmin[SurveyResponse], take their
# type parameters at run time too (surveys/admin.py).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def envint(name: str, default: int, minimum: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def envstr(name: str, default: str | None = None) -> str:
    """A required string when no default is given (or DEBUG is off and default is None)."""
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if default is None:
        raise ImproperlyConfigured(f"{name} must be set; see README.md, 'Settings'.")
    return default


DEBUG = envbool("DJANGO_DEBUG", False)

# Development gets throwaway defaults; production must say everything explicitly.
SECRET_KEY = envstr("DJANGO_SECRET_KEY", "insecure-development-key" if DEBUG else None)
if not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 random characters.")

ALLOWED_HOSTS = [
    host.strip()
    for host in envstr("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else None).split(",")
    if host.strip()
]

QUICK_EXIT_URL = envstr("QUICK_EXIT_URL", "https://www.bbc.co.uk/weather")
if not QUICK_EXIT_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("QUICK_EXIT_URL must be an absolute http(s) URL.")

DISCLOSURE_THRESHOLD = envint("DISCLOSURE_THRESHOLD", 10, minimum=5)


# ---- The privacy notice, the accessibility statement and retention -------------------


def envemail(name: str, default: str = "") -> str:
    """An optional e-mail address."""
    value = os.environ.get(name, "").strip() or default
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise ImproperlyConfigured(
                f"{name} must be an e-mail address, not {value!r}."
            ) from None
    return value


# Who is responsible for respondents' answers and how to reach them differs between
# deployments. Unset, the pages show a placeholder and `manage.py check --deploy` warns
# (surveys/checks.py); the lawful basis is one of the two the notice explains.
PRIVACY_CONTROLLER = os.environ.get("PRIVACY_CONTROLLER", "").strip()
# Its name in Welsh, for the Welsh pages ("Prifysgol Caerdydd"); the English one where
# it has none.
PRIVACY_CONTROLLER_CY = os.environ.get("PRIVACY_CONTROLLER_CY", "").strip()
PRIVACY_CONTACT = envemail("PRIVACY_CONTACT")
ACCESSIBILITY_CONTACT = envemail("ACCESSIBILITY_CONTACT", PRIVACY_CONTACT)
PRIVACY_LAWFUL_BASIS = envstr("PRIVACY_LAWFUL_BASIS", "public_task")
if PRIVACY_LAWFUL_BASIS not in {"public_task", "legitimate_interests"}:
    raise ImproperlyConfigured(
        "PRIVACY_LAWFUL_BASIS must be public_task or legitimate_interests, "
        f"not {PRIVACY_LAWFUL_BASIS!r}."
    )
# Whole months a response is kept after the month it was sent in: what the privacy
# notice promises, and what purge_responses deletes by unless told otherwise.
RETENTION_MONTHS = envint("RETENTION_MONTHS", 36, minimum=1)
# ---- End of the privacy notice, the accessibility statement and retention ------------

_database_url = envstr("DATABASE_URL")
try:
    _database = dj_database_url.parse(_database_url, conn_max_age=600, conn_health_checks=True)
except ValueError as error:
    raise ImproperlyConfigured(f"DATABASE_URL is not a usable database URL: {error}") from None
if _database["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...).")
_database.setdefault("OPTIONS", {})
# A stuck query must not hold a worker for ever; a survey submission takes milliseconds.
# No JIT compilation: PostgreSQL guesses a hundred rows for each step that takes a
# response's choices apart (surveys_choices), so it would compile queries that count a
# handful of responses, spending 0.3-0.4 s to save nothing (tally catch-up: 6 ms
# without, 800 ms with, for ten queued responses).
_database["OPTIONS"].setdefault("options", "-c statement_timeout=30000 -c jit=off")
_database["OPTIONS"].setdefault("connect_timeout", 5)
# Statements are prepared where the code asks for it (surveys.prepared: the
# submission's statement) and nowhere else. Django's default, None, turns psycopg's
# prepared statements off altogether, even those asked for; psycopg's own, 5, would
# prepare any query seen five times.
_database["OPTIONS"].setdefault("prepare_threshold", 2**31 - 1)
DATABASES = {"default": _database}
DATABASE_APP_ROLE = _database["USER"]

# The role that owns the tables, for migrations and the few commands that rewrite,
# analyse or bulk-load tables (surveys/database_roles.py); DATABASE_URL's role, which
# the web app and the scheduled counting use, may then not truncate, alter or drop
# anything, nor change or delete the audit log. Unset, DATABASE_URL's role does
# everything (`manage.py check --deploy` warns).
_owner_url = os.environ.get("DATABASE_OWNER_URL", "").strip()
DATABASE_OWNER = None
if _owner_url:
    try:
        _owner = dj_database_url.parse(_owner_url)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"DATABASE_OWNER_URL is not a usable database URL: {error}"
        ) from None
    if any(_owner[key] != _database[key] for key in ("ENGINE", "NAME", "HOST", "PORT")):
        raise ImproperlyConfigured(
            "DATABASE_OWNER_URL must name the same database, host and port as DATABASE_URL."
        )
    DATABASE_OWNER = {"USER": _owner["USER"], "PASSWORD": _owner["PASSWORD"]}

INSTALLED_APPS = [
    "surveys.apps.SoteriaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "crispy_forms",
    "crispy_forms_gds",
    "surveys",
]

MIDDLEWARE = [
    # Pages are small once compressed: the whole survey is ~75 KB of HTML, ~10 KB gzipped.
    # (Django pads compressed responses against BREACH.)
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "surveys.middleware.RespondentPrivacyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the URL alone (/cy/... for Welsh): with i18n_patterns and
    # no prefix for English, it reads no cookie or Accept-Language and sets nothing.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks a staff user verified once they have given a code from their authenticator.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After every middleware that adds headers, so that the page it makes gets them.
    "surveys.middleware.MethodNotAllowedPageMiddleware",
    # Before any view reads the body; after every middleware that adds headers.
    "surveys.middleware.RequestSizeLimitMiddleware",
    # Last, as django-axes asks: it turns lockouts raised by the backend into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "soteria_survey.urls"
WSGI_APPLICATION = "soteria_survey.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "surveys.context_processors.language_switch",
            ],
        },
    },
]

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# How many proxies (load balancers, CDNs) stand in front of the app, each appending to
# X-Forwarded-For: 0 means clients connect to the app directly. Read only to know who is
# signing in to the admin (surveys/sign_in.py); a respondent's address is never read.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0, minimum=0)

# django-axes: five failed sign-ins lock that username from that address for 30 minutes;
# 100 failures from one address within 30 minutes, whatever the usernames, lock the
# address (surveys.sign_in.StaffSignInHandler). Failures while locked are not counted,
# so they cannot keep a lockout going. Only the admin sign-in reaches axes.
AXES_FAILURE_LIMIT = 5
ADDRESS_FAILURE_LIMIT = 100
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "surveys.sign_in.client_address"
AXES_HANDLER = "surveys.sign_in.StaffSignInHandler"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

# Second factor for every staff account (surveys/second_factor.py): a code from an
# authenticator app (TOTP), tried at most once per 1, 2, 4, ... seconds after failures.
OTP_TOTP_ISSUER = "Soteria Survey"

# Respondents' pages in English (no prefix) and Welsh (/cy/), chosen by the URL only;
# the admin is English. Each language is named in itself, as a language switch shows it.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
# The Welsh catalogue: locale/cy/LC_MESSAGES/django.po, compiled by make (docs/welsh.md).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Hashed names never change content, so browsers may keep them for a year.
WHITENOISE_MAX_AGE = 31536000

# The longest complete survey (every box ticked, the free text at its limit in four-byte
# characters) is about 50 KB in 55 fields; anything far larger is not a respondent.
# surveys.middleware.RequestSizeLimitMiddleware refuses larger bodies of every kind.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400
FILE_UPLOAD_MAX_MEMORY_SIZE = 0

# Security headers. Respondent pages also get Referrer-Policy: no-referrer and
# Cache-Control: no-store from surveys.middleware; the admin keeps same-origin, because
# browsers send "Origin: null" on POST from no-referrer pages and CSRF then fails.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), payment=(), usb=()"
)

SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"

if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Behind a load balancer that terminates TLS and sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Log to standard error without request details: Django's default handlers can attach
# the request (and so a respondent's address) to error e-mails; we send none. CSRF
# failures lose the Referer they quote, and 400s their traceback (surveys/log_filters.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"plain_requests": {"()": "surveys.log_filters.PlainRequestRecords"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["plain_requests"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
