"""Settings for the Hue commune records portal, driven by environment variables.

The embedded default (no variables set) is a development set-up: SQLite file in the project,
Celery tasks executed in-process, DEBUG on. Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL and REDIS_URL; see .env.example.
"""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.env import Env

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()

DEBUG = env.bool("DEBUG", default=True)

_DEV_SECRET = "dev-only-insecure-secret-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"
SECRET_KEY = env.str("SECRET_KEY", _DEV_SECRET if DEBUG else None, required=not DEBUG)
if not DEBUG and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be a private random value of at least 50 characters when DEBUG is off."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "axes",
    "core",
    "accounts",
    "communes",
    "agent_points",
    "records",
    "satisfaction",
    "stats",
    "post",
    "dvcqg",
    "citizens",
    "notify",
    "payments",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy on every response (policy under "Security" below).
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.IntegrationAccountsOffPagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.HtmxLoginRedirectMiddleware",
    # Last: turns a login refused by the lockout into the lockout page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hue_admin.urls"
WSGI_APPLICATION = "hue_admin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", 0, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the dev server read while a seed or a task writes. IMMEDIATE transactions take
    # the write lock when they begin, so concurrent writers wait for it (up to ``timeout``
    # seconds) instead of failing with "database is locked" when a read lock is upgraded.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any login attempt for a locked-out user or address before checking it.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.RolePermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Idle timeout: a session untouched for SESSION_COOKIE_AGE seconds (default 30 minutes) is
# over; every request of a logged-in user starts the count again. The cookie also ends when
# the browser closes (shared counter computers).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", 30 * 60, minimum=300)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Language, time, formats ----------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["core.formats"]

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (the dossiers' scans): outside the static files and never served by a URL of
# their own; the record's scan view checks the reader's scope and streams them. MEDIA_URL is
# left unset on purpose. SCANS_STORAGE_BACKEND may name any Django storage (S3, …).
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
SCANS_MAX_BYTES = env.int("SCANS_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "scans": {
        "BACKEND": env.str("SCANS_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": {"location": env.str("SCANS_ROOT", str(MEDIA_ROOT / "scans"))},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Celery ---------------------------------------------------------------------------------
REDIS_URL = env.redis_url("REDIS_URL")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    # Embedded default: no broker, tasks run in-process through the same code path.
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = None
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task lost with a killed worker goes back to the queue (after the visibility timeout).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# With Redis down, queueing gives up within about a second (the change is noted instead, see
# stats.tasks) rather than holding the clerk's request.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 10}
# How often the sweep recomputes the figures still owed (queued while Redis was down, lost
# with a killed worker); the nightly job at 01:00 covers yesterday for every unit as well.
STATS_SWEEP_SECONDS = env.int("STATS_SWEEP_SECONDS", 300, minimum=1)
# How often the national portal's sweep delivers the sync messages that are due.
DVCQG_SWEEP_SECONDS = env.int("DVCQG_SWEEP_SECONDS", 60, minimum=1)
# How often the notifications' sweep sends the messages that are due.
NOTIFY_SWEEP_SECONDS = env.int("NOTIFY_SWEEP_SECONDS", 60, minimum=1)
# Times are in CELERY_TIMEZONE (Asia/Ho_Chi_Minh).
CELERY_BEAT_SCHEDULE = {
    "stats-nightly": {
        "task": "stats.recompute_yesterday",
        # Just after midnight: the new day's overdue stocks exist before anyone reads them.
        "schedule": crontab(hour=0, minute=5),
        "options": {"expires": 6 * 3600},
    },
    # Recomputes still owed: queued while Redis was down, or lost with a killed worker.
    "stats-sweep": {
        "task": "stats.recompute_noted",
        "schedule": float(STATS_SWEEP_SECONDS),
        "options": {"expires": 3600},
    },
    # The national portal's outbox: every message due (retries, failed ones, lost queueing).
    "dvcqg-sweep": {
        "task": "dvcqg.sweep",
        "schedule": float(DVCQG_SWEEP_SECONDS),
        "options": {"expires": 300},
    },
    # The notifications' outbox: retries after back-off, failed ones, lost queueing.
    "notify-sweep": {
        "task": "notify.sweep",
        "schedule": float(NOTIFY_SWEEP_SECONDS),
        "options": {"expires": 300},
    },
}
# The connector's and the notifications' tasks have their own queues: a slow national portal
# or SMS gateway never delays the statistics. A worker consumes all three:
# `celery -A hue_admin worker -Q celery,dvcqg,notify`.
CELERY_TASK_ROUTES = {"dvcqg.*": {"queue": "dvcqg"}, "notify.*": {"queue": "notify"}}

# --- Cache (API throttling; shared between processes when Redis is configured) -------------
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails open: with Redis down, API throttling pauses instead of failing requests.
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "hue",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated request gets 401 with `WWW-Authenticate: Token`.
        # Both refuse an integration account (403) except on a view with
        # ``accepts_integration = True``: the national portal's inbound endpoint.
        "accounts.api.authentication.TokenAuthentication",
        "accounts.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.rate("API_THROTTLE_ANON", "120/min"),
        "user": env.rate("API_THROTTLE_USER", "1200/min"),
        "auth": env.rate("API_THROTTLE_AUTH", "10/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hue commune records portal API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No badge image from validator.swagger.io (a third party, and outside the CSP).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "DESCRIPTION": (
        "REST API of the one-stop records portal of Hue City's 40 wards and communes. "
        "Authenticate with `POST /api/v1/auth/token/` and send `Authorization: Token <token>`. "
        'Errors are `{"detail": ...}` or `{"field": ["message"]}` with status '
        "400/401/403/404/409/429. Personal ID and phone are masked in lists."
    ),
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "RecordStatusEnum": "records.enums.Status",
        "ChannelEnum": "records.enums.Channel",
        "ReturnMethodEnum": "records.enums.ReturnMethod",
        "ComponentKindEnum": "records.models.ComponentKind",
    },
}

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp), in every mode so that tests and `make run` exercise it.
# Everything comes from the portal's own origin: no inline script or style, no eval, no CDN.
# Pages keep behaviour in static/js/portal.js and looks in static/css/*.css; the Swagger UI
# loads its init script from a URL (SpectacularSwaggerSplitView). Charts are server-side SVG
# styled by classes. img-src allows data: for the SVG icons inside Swagger UI's and the
# admin's stylesheets.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "frame-ancestors": [csp.NONE],
        "form-action": [csp.SELF],
    }
}
# Where browsers POST violation reports (optional, e.g. a collector of the operations team).
# (A local name: django-csp's checks reject a CSP_REPORT_URI *setting*, its 3.x format.)
_csp_report_uri = env.str("CSP_REPORT_URI", "")
if _csp_report_uri and not _csp_report_uri.startswith(("https://", "http://", "/")):
    raise ImproperlyConfigured(
        f"CSP_REPORT_URI={_csp_report_uri!r} must be an http(s):// URL or a path starting with /."
    )
if _csp_report_uri:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = _csp_report_uri
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # container healthchecks speak plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Login protection (django-axes) ----------------------------------------------------------
# After LOGIN_FAILURE_LIMIT failed logins for one username, or LOGIN_ADDRESS_FAILURE_LIMIT from
# one address (an office's clerks share one), further attempts are refused for
# LOGIN_LOCKOUT_MINUTES, in the login page and the API token endpoint alike. Admins see the
# attempts under "Axes" in the admin and unlock by deleting them (or `manage.py
# axes_reset_username <name>`). A successful login clears the failures it matches.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "accounts.lockout.PortalAxesHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# The client address: the socket's peer, unless the portal sits behind TRUSTED_PROXY_COUNT
# reverse proxies that each append to X-Forwarded-For (then a client cannot forge it).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"

# --- Logging --------------------------------------------------------------------------------
# Citizens' personal data never goes to logs: log record codes and user ids, nothing else.
LOG_LEVEL = env.choice("LOG_LEVEL", ["DEBUG", "INFO", "WARNING", "ERROR"], "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        "refusal_without_traceback": {"()": "core.log_filters.RefusalWithoutTraceback"},
        "no_query_string": {"()": "core.log_filters.StripQueryString"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # runserver's request lines (``make run``), without their query strings
        "django.server": {
            "handlers": ["console"],
            "filters": ["no_query_string"],
            "level": LOG_LEVEL,
            "propagate": False,
        },
        "django.db.backends": {"level": "WARNING"},
        # A 403/404 is one warning line; a 500 keeps its traceback.
        "django.request": {"filters": ["refusal_without_traceback"]},
        "axes": {"level": "WARNING"},  # one line per login otherwise
    },
}

# --- Portal ---------------------------------------------------------------------------------
PORTAL_CITY_AGENCY_CODE = "H57"
# The period the dashboard opens on, "YYYY-MM-DD:YYYY-MM-DD"; empty: the last 7 days. The demo
# (DEBUG) opens on the city's reference report, 1–11 July 2025.
DASHBOARD_DEFAULT_PERIOD = env.date_range(
    "DASHBOARD_DEFAULT_PERIOD", "2025-07-01:2025-07-11" if DEBUG else ""
)

# --- Citizens ---------------------------------------------------------------------------------
# The address the status links start with (QR codes on the slips, notifications): read outside
# any request, so it is configured, e.g. https://dichvucong.hue.gov.vn.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# The issuing system named in the QR code of every slip (Circular 01/2023/TT-VPCP).
PORTAL_SYSTEM_NAME = env.str(
    "PORTAL_SYSTEM_NAME", "Hệ thống thông tin giải quyết thủ tục hành chính thành phố Huế"
)
if not PUBLIC_BASE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"PUBLIC_BASE_URL={PUBLIC_BASE_URL!r} must be an http(s):// URL.")
# A status link (QR code, message) opens the record's status for this many days after issue.
STATUS_LINK_MAX_AGE_DAYS = env.int("STATUS_LINK_MAX_AGE_DAYS", 180, minimum=1)
# Public lookups with code and ID number: at most this many per address, and per record code,
# in each window (the next one is refused with a message until the window ends).
LOOKUP_LIMIT_WINDOW_SECONDS = env.int("LOOKUP_LIMIT_WINDOW_SECONDS", 600, minimum=1)
LOOKUP_LIMIT_PER_ADDRESS = env.int("LOOKUP_LIMIT_PER_ADDRESS", 10, minimum=1)
LOOKUP_LIMIT_PER_CODE = env.int("LOOKUP_LIMIT_PER_CODE", 10, minimum=1)

# --- National Public Service Portal (dvcqg) ------------------------------------------------
# Where the record's progress is pushed (POST, JSON, `Authorization: Bearer <token>`,
# `Idempotency-Key: <message key>`). Empty: delivery is off, sync messages are written and stay
# pending until it is set.
DVCQG_PUSH_URL = env.str("DVCQG_PUSH_URL", "")
if DVCQG_PUSH_URL and not DVCQG_PUSH_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"DVCQG_PUSH_URL={DVCQG_PUSH_URL!r} must be an http(s):// URL.")
DVCQG_PUSH_TOKEN = env.str("DVCQG_PUSH_TOKEN", "")
DVCQG_PUSH_TIMEOUT = env.int("DVCQG_PUSH_TIMEOUT", 10, minimum=1)
# Retries: the n-th failure waits DVCQG_RETRY_BASE_SECONDS × 2^(n-1), at most
# DVCQG_RETRY_MAX_SECONDS; after DVCQG_MAX_ATTEMPTS failures a message shows as failed (to the
# clerk and in the admin) and the sweep keeps retrying it at the longest wait.
DVCQG_RETRY_BASE_SECONDS = env.int("DVCQG_RETRY_BASE_SECONDS", 30, minimum=0)
DVCQG_RETRY_MAX_SECONDS = env.int("DVCQG_RETRY_MAX_SECONDS", 3600, minimum=0)
DVCQG_MAX_ATTEMPTS = env.int("DVCQG_MAX_ATTEMPTS", 8, minimum=1)

# --- Online payment of fees (payments) ------------------------------------------------------
# The payment gateway (the national payment platform in production; `manage.py
# payment_gateway_simulator` locally): its checkout address, the portal's merchant code there,
# and the shared secret of the HMAC-SHA256 signatures (checkout request and callback). Empty URL
# or secret: online payment is off (the citizen is told to pay at the desk).
PAYMENT_GATEWAY_URL = env.str("PAYMENT_GATEWAY_URL", "")
if PAYMENT_GATEWAY_URL and not PAYMENT_GATEWAY_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"PAYMENT_GATEWAY_URL={PAYMENT_GATEWAY_URL!r} must be an http(s):// URL."
    )
PAYMENT_MERCHANT_CODE = env.str("PAYMENT_MERCHANT_CODE", "HUE-UBND")
PAYMENT_GATEWAY_SECRET = env.str("PAYMENT_GATEWAY_SECRET", "")
# Where the gateway calls back; default PUBLIC_BASE_URL + /payments/callback/.
PAYMENT_CALLBACK_URL = env.str("PAYMENT_CALLBACK_URL", "")

# --- Notifications to citizens (notify) ------------------------------------------------------
# E-mail through Django's e-mail backend. EMAIL_BACKEND: smtp, file, console or a dotted path;
# the embedded default (DEBUG, no EMAIL_HOST) writes each message to a file under
# NOTIFY_FILE_DIR/email; with EMAIL_HOST set (or DEBUG off) it is SMTP.
_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
}
NOTIFY_FILE_DIR = Path(env.str("NOTIFY_FILE_DIR", str(BASE_DIR / "sent-notifications")))
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "Mot cua Hue <khong-tra-loi@hue.gov.vn>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_email_default = "file" if DEBUG and not env.str("EMAIL_HOST", "") else "smtp"
EMAIL_BACKEND = env.str("EMAIL_BACKEND", _email_default)
EMAIL_BACKEND = _EMAIL_BACKENDS.get(EMAIL_BACKEND, EMAIL_BACKEND)
EMAIL_FILE_PATH = NOTIFY_FILE_DIR / "email"
# SMS and Zalo: `http` posts to the provider's gateway (URL, bearer token, timeout; an empty
# URL keeps the messages pending), `file` writes NOTIFY_FILE_DIR/<channel>.jsonl (the embedded
# default), `console` prints them with the phone masked.
_GATEWAY_BACKENDS = ["http", "file", "console"]
NOTIFY_SMS_BACKEND = env.choice(
    "NOTIFY_SMS_BACKEND", _GATEWAY_BACKENDS, "file" if DEBUG else "http"
)
NOTIFY_SMS_URL = env.str("NOTIFY_SMS_URL", "")
NOTIFY_SMS_TOKEN = env.str("NOTIFY_SMS_TOKEN", "")
NOTIFY_SMS_TIMEOUT = env.int("NOTIFY_SMS_TIMEOUT", 10, minimum=1)
NOTIFY_ZALO_BACKEND = env.choice(
    "NOTIFY_ZALO_BACKEND", _GATEWAY_BACKENDS, "file" if DEBUG else "http"
)
NOTIFY_ZALO_URL = env.str("NOTIFY_ZALO_URL", "")
NOTIFY_ZALO_TOKEN = env.str("NOTIFY_ZALO_TOKEN", "")
NOTIFY_ZALO_TIMEOUT = env.int("NOTIFY_ZALO_TIMEOUT", 10, minimum=1)
for _name, _url in (("NOTIFY_SMS_URL", NOTIFY_SMS_URL), ("NOTIFY_ZALO_URL", NOTIFY_ZALO_URL)):
    if _url and not _url.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"{_name}={_url!r} must be an http(s):// URL.")
# Retries: the n-th failure waits NOTIFY_RETRY_BASE_SECONDS × 2^(n-1), at most
# NOTIFY_RETRY_MAX_SECONDS; after NOTIFY_MAX_ATTEMPTS failures a message shows as failed (the
# sweep keeps retrying it at the longest wait).
NOTIFY_RETRY_BASE_SECONDS = env.int("NOTIFY_RETRY_BASE_SECONDS", 60, minimum=0)
NOTIFY_RETRY_MAX_SECONDS = env.int("NOTIFY_RETRY_MAX_SECONDS", 3600, minimum=0)
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", 6, minimum=1)
# How long a process keeps the active templates before reading them again (an edit in the
# admin empties the cache of the process that saved it at once).
NOTIFY_TEMPLATE_CACHE_SECONDS = env.int("NOTIFY_TEMPLATE_CACHE_SECONDS", 60, minimum=0)
