"""Settings of the P2C readiness dashboard, read from the environment.

Every variable is documented in README.md and docker/.env.example. Defaults serve a laptop:
SQLite under var/, the embedded queue, a development secret generated once into var/.
"""

import base64
import os
import re
import secrets
import warnings
import zoneinfo
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import dj_database_url
from cryptography.fernet import Fernet

from p2c.env import ConfigurationError, beyond_classes_off, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("FLEET_VAR_DIR") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", default=False)


def _development_secret(filename: str, make: Callable[[], str]) -> str:
    """A secret generated once per checkout and kept in var/ (never used in production)."""
    path = VAR_DIR / filename
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY") or _development_secret(
    "dev-secret-key", lambda: secrets.token_urlsafe(50)
)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Login throttling; its admin pages are registered by fleet/admin.py, for admins only.
    "axes",
    "fleet",
    "assessments",
    # After assessments: its `rqworker` (every queue by default) must win over django-rq's.
    "django_rq",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "p2c.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes requires: it turns a lockout into the login page's 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "p2c.urls"
WSGI_APPLICATION = "p2c.wsgi.application"

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
                "fleet.lib.roles.roles_context",
            ],
        },
    },
]

_database_url = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'p2c.sqlite3'}"
try:
    DATABASES = {
        "default": dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)
    }
except Exception as exc:  # dj_database_url raises several types for a bad URL
    raise ConfigurationError(f"DATABASE_URL is not a usable database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 30
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL;"
DATABASES["default"].setdefault("TEST", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ConfigurationError(
        f"REDIS_URL must start with redis://, rediss:// or unix://, not {REDIS_URL!r}"
    )

# Redis timeouts, in seconds, so that a Redis that drops packets cannot hold a web request,
# the scheduler or a command: connecting gives up after REDIS_CONNECT_TIMEOUT, a command after
# REDIS_TIMEOUT. REDIS_URL's own `socket_connect_timeout=` / `socket_timeout=` query
# parameters win. Workers get no command timeout: their dequeue waits on Redis for minutes.
REDIS_CONNECT_TIMEOUT = 5.0
REDIS_TIMEOUT = 5.0


def _redis_url(url: str, *, command_timeout: bool) -> str:
    """`url` with the default timeouts added where it sets none."""
    # Split by hand: urlunsplit() would write `unix:/path` or `unix:///path` depending on
    # which schemes other modules registered in urllib.parse.uses_netloc.
    base, _, raw_query = url.partition("?")
    query = dict(parse_qsl(raw_query, keep_blank_values=True))
    query.setdefault("socket_connect_timeout", str(REDIS_CONNECT_TIMEOUT))
    if command_timeout:
        query.setdefault("socket_timeout", str(REDIS_TIMEOUT))
    else:
        query.pop("socket_timeout", None)
    return f"{base}?{urlencode(query)}"


# REDIS_COMMAND_URL: the web, the scheduler and the commands (`scans.scan_queue`).
REDIS_COMMAND_URL = _redis_url(REDIS_URL, command_timeout=True) if REDIS_URL else ""
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL:
    _queue_connection: dict[str, object] = {"URL": _redis_url(REDIS_URL, command_timeout=False)}
else:
    CACHES["rq-embedded"] = {"BACKEND": "p2c.embedded.EmbeddedRedisCache"}
    _queue_connection = {"USE_REDIS_CACHE": "rq-embedded"}

# Queues the project uses; `manage.py rqworker` with no names serves all of them.
QUEUE_NAMES = ["scans", "default"]
RQ_QUEUES = {name: {**_queue_connection, "DEFAULT_TIMEOUT": 3600} for name in QUEUE_NAMES}
RQ = {
    "COMMIT_MODE": "on_db_commit",
    "WORKER_CLASS": "assessments.scanning.workers.DatabaseAwareWorker",
}
# The queues dashboard lives at /admin/django-rq/ only, for the admin role (p2c/urls.py):
# django-rq's copy inside the admin would let any staff user (operators) empty queues.
RQ_SHOW_ADMIN_LINK = False
# Scans (docs/scanning.md): hosts per batch job, threads per batch, deadline per host (s).
# SCAN_BATCH_SIZE unset (None): sized from each scan (`scans.batch_size`). 20 threads were
# fastest on bench/fleetlab_scan.py (docs/scanning.md).
SCAN_BATCH_SIZE: int | None = env_int("SCAN_BATCH_SIZE", 0, minimum=1) or None
SCAN_CONCURRENCY = env_int("SCAN_CONCURRENCY", 20, minimum=1)
SCAN_HOST_DEADLINE = env_int("SCAN_HOST_DEADLINE", 120, minimum=1)
# Run a Windows host's probes in one cmd.exe command (false: one WinRM command per probe).
WINRM_BATCH_PROBES = env_bool("WINRM_BATCH_PROBES", default=True)
# Restriction classes beyond the Parallels document switched off: their ids, or `beyond`.
RULESET_DISABLED = beyond_classes_off(env_list("RULESET_DISABLED", []))

FLEET_ENCRYPTION_KEY = env_str("FLEET_ENCRYPTION_KEY")
if not FLEET_ENCRYPTION_KEY:
    if not DEBUG and env_bool("FLEET_REQUIRE_KEYS", default=False):
        raise ConfigurationError("FLEET_ENCRYPTION_KEY must be set in production")
    FLEET_ENCRYPTION_KEY = _development_secret(
        "dev-encryption-key.fernet", lambda: base64.urlsafe_b64encode(os.urandom(32)).decode()
    )
# Several keys, comma-separated, newest first: data encrypted with any of them is readable,
# new data is written with the first (see `manage.py rotate_credentials`).
FLEET_ENCRYPTION_KEYS = [key.strip() for key in FLEET_ENCRYPTION_KEY.split(",") if key.strip()]
for _position, _key in enumerate(FLEET_ENCRYPTION_KEYS, start=1):
    try:
        Fernet(_key.encode())
    except (ValueError, TypeError):
        # Never echo the value: it is a secret.
        raise ConfigurationError(
            f"FLEET_ENCRYPTION_KEY: key {_position} is not a Fernet key "
            "(32 url-safe base64-encoded bytes)"
        ) from None

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out account or address before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (README "Users and roles"): after LOGIN_FAILURE_LIMIT failed logins for
# one user name (from anywhere) or from one address (whatever the user names), that account
# or address is refused for LOGIN_COOLOFF_MINUTES, or until an admin unlocks it. Attempts
# made while locked out do not extend the lockout, so the page can say when it ends.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10, minimum=1)
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1)
# Proxies in front of the site that append the client's address to X-Forwarded-For; 0 means
# none is trusted and REMOTE_ADDR is the client (a forged header then changes nothing).
LOGIN_TRUSTED_PROXIES = env_int("LOGIN_TRUSTED_PROXIES", 0, minimum=0)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success must not wipe the address's failures against other accounts (axes would reset
# every attempt matching the user name or the address): failures only expire or are reset.
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "p2c.login.lockout_response"
AXES_CLIENT_IP_CALLABLE = "p2c.login.client_ip"
AXES_ENABLE_ADMIN = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# The REST API (docs/api.md): tokens or the session, the pages' roles, one error body.
API_THROTTLE_RATE = env_str("API_THROTTLE_RATE") or "1200/minute"
if not re.fullmatch(r"[1-9][0-9]*/(second|minute|hour|day|[smhd])", API_THROTTLE_RATE):
    raise ConfigurationError(
        f"API_THROTTLE_RATE must read N/second, N/minute, N/hour or N/day, "
        f"not {API_THROTTLE_RATE!r}"
    )
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First: its `WWW-Authenticate: Token` makes an anonymous request a 401, not a 403.
        "p2c.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["p2c.api.permissions.HasRole"],
    "DEFAULT_THROTTLE_CLASSES": ["p2c.api.throttling.PerToken"],
    "DEFAULT_PAGINATION_CLASS": "p2c.api.pagination.Cursor",
    "PAGE_SIZE": 100,
    "DEFAULT_FILTER_BACKENDS": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "p2c.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # `?format=` is no renderer switch: a parameter of that name keeps its own meaning (an
    # import's input format); JSON or the browsable API follow the Accept header.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "P2C readiness API",
    "DESCRIPTION": "Hosts, findings, scans and exports of the P2C readiness dashboard. "
    "Authenticate with `Authorization: Token <key>`; see docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["p2c.api.permissions.HasRole"],
    "SERVE_AUTHENTICATION": [
        "p2c.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI's files come from drf-spectacular-sidecar: air-gapped fleets, no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status`: name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "ScanStatusEnum": "assessments.choices.ScanStatus",
        "HostScanStatusEnum": "assessments.choices.HostScanStatus",
    },
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE") or "UTC"
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ConfigurationError(
        f"TIME_ZONE must be an IANA time zone like Europe/Paris, not {TIME_ZONE!r}"
    ) from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # collectstatic (the Docker image) writes hashed names and gzip copies for WhiteNoise to
    # serve, cached for a year; without it names stay plain (p2c/staticfiles.py).
    "staticfiles": {"BACKEND": "p2c.staticfiles.HashedWhenCollected"},
}
# Until `collectstatic` has filled STATIC_ROOT (a checkout, `make demo`, the tests), WhiteNoise
# serves straight from static/ and the apps, so the embedded demo needs no collectstatic. Once
# it has (the Docker image), only STATIC_ROOT, with its gzip copies.
WHITENOISE_USE_FINDERS = DEBUG or not STATIC_ROOT.is_dir()
if not STATIC_ROOT.is_dir():
    # WhiteNoise warns with the caller as the module (Django's handler), so match the text only.
    warnings.filterwarnings("ignore", message="No directory at: .*staticfiles")

# Uploads (the Import page takes 20 MiB, a capture 50 MiB): past this much in one request
# the files are dropped while they are read, and the forms refuse them (p2c/uploads.py).
MAX_UPLOAD_BYTES = 64 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "p2c.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and env_bool("FLEET_HTTPS", default=True) and SECRET_KEY and env_str("SECRET_KEY"):
    # Production (SECRET_KEY given): cookies and redirects for HTTPS behind a proxy.
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOG_LEVEL = (env_str("LOG_LEVEL") or "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ConfigurationError(
        f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {LOG_LEVEL!r}"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"plain_forbidden": {"()": "p2c.logfilters.PlainForbidden"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # axes: failures and lockouts are warnings; its start-up banner on every command is not.
    "loggers": {
        "paramiko": {"level": "WARNING"},
        "asyncssh": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # A refused page is a warning line, not a traceback (Django attaches the exception).
        "django.request": {"filters": ["plain_forbidden"]},
    },
}
