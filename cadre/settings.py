"""The one settings module. Every value comes from the environment through a
typed helper in cadre.env; there are no insecure defaults outside DEBUG."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from cadre import embedded_pg
from cadre.env import envbool, envint, envlist, envstr, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = envbool("DEBUG", False)

_secret = envstr("SECRET_KEY")
if not _secret:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    _secret = "insecure-development-key-only-for-DEBUG"  # noqa: S105 - DEBUG only
SECRET_KEY: str = _secret

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "cadre.apps.CadreAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "pgtrigger",
    "pghistory",
    "rest_framework",
    "rest_framework.authtoken",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "personnel",
    "imports",
    "interchange",
    "alerts",
    "oversight",
    "cadre.apps.CadreConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Attributes every history row written during a request to its user.
    "pghistory.middleware.HistoryMiddleware",
    # A page's uncaught core.errors.UserError: its status and its sentence.
    "core.middleware.UserErrorMiddleware",
    # Turns a login refused by the lockout into its page or JSON (last, as axes asks).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cadre.urls"
WSGI_APPLICATION = "cadre.wsgi.application"

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
                "accounts.context_processors.actor",
            ],
        },
    },
]

# PostgreSQL only. Without DATABASE_URL the embedded server in var/pg is used
# (the run and test scripts start it first).
DATABASES = {"default": parse_database_url(envstr("DATABASE_URL") or embedded_pg.default_url())}
# Persistent connections: reconnecting on every request costs more than the
# request itself on the list endpoints.
DATABASES["default"]["CONN_MAX_AGE"] = envint("DB_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# The lockout backend first: it refuses every login attempt of a locked
# account or address before a password is checked.
AUTHENTICATION_BACKENDS = [
    "accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login lockout (django-axes): failures are counted in the database, which
# every gunicorn process and machine shares, per account name and, separately,
# per source address, so neither guessing one account's password nor trying
# one password across many accounts goes on for long. The browser login and
# the API token endpoint count alike; the security administrator unlocks in
# the admin (访问尝试记录) by deleting the records.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
# Our own admin page for the records (the security administrator's), not axes'.
AXES_ENABLE_ADMIN = False
# The source address is REMOTE_ADDR, never a client-supplied header such as
# X-Forwarded-For (which a guesser could vary at will). Behind a reverse proxy
# every client shares the proxy's address; trusting a proxy's header is not
# implemented yet.
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(envstr("STATIC_ROOT") or str(VAR_DIR / "static"))
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
WHITENOISE_USE_FINDERS = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "personnel.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # JSON only: the interactive docs are Swagger UI at /api/v1/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "personnel.api.exceptions.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "cadre API",
    "DESCRIPTION": "干部管理信息系统 REST API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # No call to the online validator: the intranet has no internet.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Several models have a "status" or a "kind": name each enum for its model.
    "ENUM_NAME_OVERRIDES": {
        "CadreStatusEnum": "personnel.models.CadreStatus",
        "ChangeRequestStatusEnum": "personnel.models.ChangeRequestStatus",
        "EducationKindEnum": "personnel.models.EducationKind",
        "RewardKindEnum": "personnel.models.RewardKind",
        "UnitKindEnum": "personnel.models.UnitKind",
    },
}

# Interchange files (LRMX, LRM, and .zip archives of them): what an upload
# may hold before anything in it is read, and how much one export may hold.
INTERCHANGE_LIMITS = {
    "upload_bytes": envint("INTERCHANGE_UPLOAD_BYTES", 200 * 1024 * 1024),
    "zip_entries": envint("INTERCHANGE_ZIP_ENTRIES", 5000),
    "zip_total_bytes": envint("INTERCHANGE_ZIP_TOTAL_BYTES", 500 * 1024 * 1024),
    "zip_entry_bytes": envint("INTERCHANGE_ZIP_ENTRY_BYTES", 20 * 1024 * 1024),
    "zip_ratio": envint("INTERCHANGE_ZIP_RATIO", 100),
    "photo_bytes": envint("INTERCHANGE_PHOTO_BYTES", 2 * 1024 * 1024),
    "export_cadres": envint("INTERCHANGE_EXPORT_CADRES", 1000),
}

# Celery: Redis when REDIS_URL is set, else kombu's filesystem transport with
# a real worker (see cadre/celery.py). Results live on job rows, not in a
# result backend.
REDIS_URL = envstr("REDIS_URL")
CELERY_QUEUE_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
else:
    CELERY_BROKER_URL = "filesystem://"
    # kombu's filesystem transport with whole-file writes (cadre/broker.py).
    CELERY_BROKER_TRANSPORT = "cadre.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # The alert checks (alerts.tasks): every cadre, every night.
    "alerts-nightly-check": {"task": "alerts.nightly_check", "schedule": crontab(hour=2, minute=0)},
}

# Uploaded workbooks (issue 4): what a file may be before it is parsed. A
# real roster of 100,000 rows and 25 columns is about 9 MB and expands to
# about 90 MB of XML at a ratio near 12.
CADRE_IMPORT_MAX_BYTES = envint("CADRE_IMPORT_MAX_BYTES", 30 * 1024 * 1024)
CADRE_IMPORT_MAX_ZIP_ENTRIES = envint("CADRE_IMPORT_MAX_ZIP_ENTRIES", 1000)
CADRE_IMPORT_MAX_UNCOMPRESSED = envint("CADRE_IMPORT_MAX_UNCOMPRESSED", 400 * 1024 * 1024)
CADRE_IMPORT_MAX_RATIO = envint("CADRE_IMPORT_MAX_RATIO", 100)
CADRE_IMPORT_MAX_ROWS = envint("CADRE_IMPORT_MAX_ROWS", 200_000)
# Lists longer than this are exported by a worker, with progress and a link.
CADRE_EXPORT_SYNC_ROWS = envint("CADRE_EXPORT_SYNC_ROWS", 5000)
# Django keeps uploads up to this size in memory, larger ones in a temp file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL") or "INFO"},
}

# History rows are evidence: the database refuses to change or delete them.
PGHISTORY_APPEND_ONLY = True
