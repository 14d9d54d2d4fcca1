"""Settings shared by every environment; all deployment knobs come from environment variables."""

import os
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("TREUE_VAR_DIR", PROJECT_DIR / "var"))

TREUE_ENV = os.environ.get("TREUE_ENV", "demo")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
TREUE_PORT = int(os.environ.get("TREUE_PORT", "8000"))
TREUE_BASE_URL = os.environ.get("TREUE_BASE_URL", f"http://127.0.0.1:{TREUE_PORT}").rstrip("/")
CSRF_TRUSTED_ORIGINS = [TREUE_BASE_URL]


def database_from_url(url: str) -> dict[str, Any]:
    """Parse DATABASE_URL, refusing anything that is neither SQLite nor PostgreSQL."""
    try:
        config: dict[str, Any] = dict(
            dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
        )
    except Exception as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0 if config["NAME"] == ":memory:" else 600
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA cache_size=-131072; PRAGMA foreign_keys=ON;"
            ),
        }
    elif engine == "django.db.backends.postgresql":
        if not config.get("NAME"):
            raise ImproperlyConfigured("DATABASE_URL names no PostgreSQL database.")
    else:
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with sqlite:/// or postgresql://, not {url.split(':')[0]!r}."
        )
    return config


DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'treue.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "treue.core",
    "treue.customers",
    "treue.orders",
    "treue.receivables",
    "treue.activities",
    "treue.communications",
    "treue.scorecards",
    "treue.complaints",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "treue.core.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "treue.urls"
WSGI_APPLICATION = "treue.wsgi.application"

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
                "django.template.context_processors.i18n",
                "treue.core.context_processors.navigation",
            ],
        },
    }
]

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["treue.core.auth.UserWithDepartmentBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["treue.formats"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
COMPANY_CURRENCY = "EUR"
COMPANY_NAME = os.environ.get("TREUE_COMPANY_NAME", "Muster Maschinenbau GmbH")
# The letterhead of letters: the sender line above the address window and the footer lines.
COMPANY_ADDRESS = os.environ.get("TREUE_COMPANY_ADDRESS", "Industriestraße 12 · 73760 Ostfildern")
COMPANY_CONTACT = os.environ.get(
    "TREUE_COMPANY_CONTACT", "Telefon +49 711 000000 · info@muster-maschinenbau.example"
)


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, str(default))
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise ImproperlyConfigured(f"{name} must be a whole number above 0, not {raw!r}.")
    return value


# The largest photo or PDF a complaint takes (TREUE_ATTACHMENT_MAX_MB, default 10).
COMPLAINT_ATTACHMENT_MAX_BYTES = _positive_int("TREUE_ATTACHMENT_MAX_MB", 10) * 1024 * 1024

# Where complaints arrive by e-mail, read every five minutes into drafts: "maildir:/path" or
# "imaps://user:password@host[:port]/FOLDER"; empty reads no mailbox.
COMPLAINT_MAILBOX = os.environ.get("TREUE_COMPLAINT_MAILBOX", "")

# The site whose business hours run the complaints' service-level clocks: its German federal
# state (public holidays) and working hours per weekday.
SITE_STATE = os.environ.get("TREUE_SITE_STATE", "BW")

# A spare-part order should leave the house within this many hours of coming in.
SPARE_PART_TARGET_HOURS = _positive_int("TREUE_SPARE_PART_TARGET_HOURS", 48)


def _decimal(name: str, default: str) -> Decimal:
    raw = os.environ.get(name, default)
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name} must be a number like 1.27, not {raw!r}.") from None


# The Bundesbank's base rate (Basiszinssatz, § 247 BGB) in percent; default interest on a dunned
# invoice is the dunning level's points above it (TREUE_BASE_INTEREST_RATE, default 1.27).
BASE_INTEREST_RATE = _decimal("TREUE_BASE_INTEREST_RATE", "1.27")

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (complaint attachments); never served directly, only through views that check
# the permission.
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "treue.core.storage.StaticFilesStorage"},
}

# Database sessions, read without the ORM's overhead (see treue/core/sessions.py).
SESSION_ENGINE = "treue.core.sessions"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") in {"1", "true", "True"}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "treue@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"treue": {"level": os.environ.get("LOG_LEVEL", "INFO")}},
}

# Pages and the API show at most this many rows at once.
PAGE_SIZE = 50
API_MAX_LIMIT = 500
