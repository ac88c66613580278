"""Settings for Backing Lancashire, read from the environment.

Production is only what the environment says. `make run` writes a git-ignored
.env for development (debug on, a generated key), read here so that
`manage.py` works in any shell; variables already in the environment win.
Every variable is listed in .env.example and the README.
"""

import re
from datetime import timedelta
from pathlib import Path

import bootstrap_wrapper
import dj_database_url
from csp.constants import NONE, SELF

from backing_lancashire.env import env_bool, env_int, env_list, env_str, fail, read_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
read_dotenv(BASE_DIR / ".env")

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        fail(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is 0 (run `make run` for a dev .env)."
        )
    SECRET_KEY = "django-insecure-development-only"  # noqa: S105 - debug only

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "backing_lancashire.admin_app.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "phonenumber_field",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "backing_lancashire",
    "campaign",
    "pledges",
    "impact",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "backing_lancashire.middleware.permissions_policy",
    "backing_lancashire.middleware.CSPMiddleware",
    # Before anything reads the body (sessions do not; CSRF does), and after the
    # headers above, so that the 413 page carries them.
    "backing_lancashire.middleware.limit_body",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "backing_lancashire.staff.staff_sessions",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "backing_lancashire.urls"
WSGI_APPLICATION = "backing_lancashire.wsgi.application"

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
                "campaign.context_processors.site",
            ],
        },
    },
]

# Database: SQLite in the project folder unless DATABASE_URL names another.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several processes writing at once (gunicorn workers) wait their turn rather than fail.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: shared through Redis once there is more than one app server.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                # A Redis that cannot be reached is a cache miss, logged, not a server
                # error. Each call waits at most half a second for it, and the public
                # version (backing_lancashire.freshness) tries it at most once a second.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    # Shared by every process on this database, so that a change made by a command or
    # another worker reaches every page cache at once (backing_lancashire.freshness).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cache",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }
# Rendered public pages, per process; renewed when the shared public version moves.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pages",
    # At most about 30 MB of pages per process (the largest page is 60 KB); those of an
    # older public version are dropped as soon as the version moves.
    "OPTIONS": {"MAX_ENTRIES": 500},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Static files: Bootstrap from its pinned wheel, then the site's own.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", bootstrap_wrapper.get_bootstrap_css_dir()),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")

# Email: SMTP whenever EMAIL_HOST is set, otherwise printed to the console.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Emails wait in a queue in the database, so that no request waits on a mail server and
# none is lost when one is down; `manage.py db_worker` sends them (make run starts one).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Backing Lancashire <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. HSTS is only ever sent over HTTPS, so it is safe to set everywhere.
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
if env_bool("DJANGO_BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "backing_lancashire.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws its form-validation icons as data: images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)

# Signing the pledge.
PLEDGE_RATE_LIMIT = env_str("PLEDGE_RATE_LIMIT", "5/h")
if PLEDGE_RATE_LIMIT.lower() == "off":
    PLEDGE_RATE_LIMIT = None
elif not re.fullmatch(r"\d+/\d*[smhd]", PLEDGE_RATE_LIMIT):
    fail(f"PLEDGE_RATE_LIMIT must look like 5/h (or be off), not {PLEDGE_RATE_LIMIT!r}.")
PLEDGE_MIN_FILL_SECONDS = env_int("PLEDGE_MIN_FILL_SECONDS", 3)
# How long a sign-up form works once shown; each form's token signs up one organisation.
PLEDGE_FORM_MAX_AGE = timedelta(hours=env_int("PLEDGE_FORM_HOURS", 2))
# With the cache unreachable nothing can be counted: let sign-ups through rather than turn
# everyone away. The honeypot, the fill time, email confirmation and moderation still stand.
RATELIMIT_FAIL_OPEN = True
# How many proxies in front of the site append to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    fail("TRUSTED_PROXY_COUNT must be 0 or more.")
# Told of each newly verified pledge, besides staff with the change-pledge permission.
MODERATOR_EMAILS = env_list("MODERATOR_EMAILS", [])
# How to reach the OPCC, on /contact/, in the footer and in the emails that invite a
# reply: the Office's published details unless the environment says otherwise.
OPCC = "Office of the Police and Crime Commissioner for Lancashire"
CONTACT = {
    "name": env_str("CONTACT_NAME", OPCC),
    "address": env_list("CONTACT_ADDRESS", ["County Hall", "Preston", "PR1 0LD"]),
    "email": env_str("CONTACT_EMAIL", "commissioner@lancashire-pcc.gov.uk"),
    "phone": env_str("CONTACT_PHONE", "01772 533587"),
}
CONTACT["press_email"] = env_str("PRESS_EMAIL", CONTACT["email"])
CONTACT["press_phone"] = env_str("PRESS_PHONE", CONTACT["phone"])
# What the pages say a review usually takes, in working days.
REVIEW_DAYS = env_int("REVIEW_DAYS", 5)
if REVIEW_DAYS < 1:
    fail("REVIEW_DAYS must be 1 or more.")
# How long a pledge stays listed, marked "check-in due", once its year is up; then it
# lapses (pledges.checkins).
CHECKIN_GRACE_DAYS = env_int("CHECKIN_GRACE_DAYS", 30)
if CHECKIN_GRACE_DAYS < 0:
    fail("CHECKIN_GRACE_DAYS must be 0 or more.")
# The emails anyone can have the site send (confirmation and manage links), counted per
# recipient address whichever client asked: one of each kind per window, and so many a
# day in all (pledges.tasks.LIMITED).
EMAIL_PER_ADDRESS_WINDOW = timedelta(minutes=env_int("EMAIL_PER_ADDRESS_WINDOW_MINUTES", 60))
EMAIL_PER_ADDRESS_DAILY = env_int("EMAIL_PER_ADDRESS_DAILY", 5)
if EMAIL_PER_ADDRESS_WINDOW.total_seconds() < 60 or EMAIL_PER_ADDRESS_DAILY < 1:
    fail("EMAIL_PER_ADDRESS_WINDOW_MINUTES and EMAIL_PER_ADDRESS_DAILY must be 1 or more.")
PHONENUMBER_DEFAULT_REGION = "GB"
# The logo may be 2 MB; refuse anything much larger before reading it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 3 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 3 * 1024 * 1024
# Whole downloads (the open data, the sitemap, the feed) per client address; a
# conditional GET answered "not modified" is not counted.
DOWNLOAD_RATE_LIMIT = env_str("DOWNLOAD_RATE_LIMIT", "60/h")
if DOWNLOAD_RATE_LIMIT.lower() == "off":
    DOWNLOAD_RATE_LIMIT = None
elif not re.fullmatch(r"\d+/\d*[smhd]", DOWNLOAD_RATE_LIMIT):
    fail(f"DOWNLOAD_RATE_LIMIT must look like 60/h (or be off), not {DOWNLOAD_RATE_LIMIT!r}.")

# Admin sign-in: lock a username at one address after repeated failures there, so that
# wrong passwords from elsewhere never lock a moderator out; failures for one username
# from many addresses slow it down instead (backing_lancashire.staff).
AXES_FAILURE_LIMIT = env_int("ADMIN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ADMIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "backing_lancashire.client.client_ip"

# Staff: a second factor (an authenticator app, with recovery codes) outside development,
# and sessions that end when idle and after a working day.
STAFF_MFA_REQUIRED = env_bool("STAFF_MFA_REQUIRED", not DEBUG)
STAFF_SESSION_IDLE_MINUTES = env_int("STAFF_SESSION_IDLE_MINUTES", 30)
STAFF_SESSION_MAX_HOURS = env_int("STAFF_SESSION_MAX_HOURS", 12)
if STAFF_SESSION_IDLE_MINUTES < 1 or STAFF_SESSION_MAX_HOURS < 1:
    fail("STAFF_SESSION_IDLE_MINUTES and STAFF_SESSION_MAX_HOURS must be 1 or more.")
OTP_TOTP_ISSUER = "Backing Lancashire"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
# Every handler that can print a request line or a path hides the tokens of emailed
# links: Django's own (its debug console, runserver's request lines) are replaced, and
# gunicorn's are given the filter when the site starts (backing_lancashire.logs).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"hide_tokens": {"()": "backing_lancashire.logs.HideTokens"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["hide_tokens"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["hide_tokens"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Through the root's handler only, not Django's default console and mail ones.
        "django": {"handlers": [], "level": LOG_LEVEL},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "axes.apps": {"level": "WARNING"},  # its start-up banner on every command
    },
}
