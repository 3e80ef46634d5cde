"""Settings, read from the environment only (see docs/deploy.md for every variable).

Safe defaults serve the local demo and the tests; `PERMIS_ENV=production` refuses to start
with the demo secret key, DEBUG on, or no allowed host.
"""

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT = env_str("PERMIS_ENV", "development")  # development | production
PRODUCTION = ENVIRONMENT == "production"

# Public on purpose: it only ever signs local demo sessions; production refuses it (below).
DEMO_SECRET_KEY = "demo-insecure-secret-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env_str("DJANGO_SECRET_KEY", DEMO_SECRET_KEY)
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

if PRODUCTION:
    if SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "PERMIS_ENV=production needs a real DJANGO_SECRET_KEY (50+ random characters), "
            "not the demo key"
        )
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off in production")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is required in production")

INSTALLED_APPS = [
    "django.forms",  # the form renderer reads templates/ (FORM_RENDERER)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "procrastinate.contrib.django",
    "accounts",
    "cadastre",
    "workflow",
    "permits",
    "privacy",
    "accessibility",
    "rest_framework",
    "drf_spectacular",
    "api",
]

MIDDLEWARE = [
    "config.metrics.RequestMetricsMiddleware",  # first: it times the whole answer
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.RememberedRolesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.RequestLogMiddleware",
    "core.db_router.ReplicaReadsMiddleware",
]

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "config.forms.FormRenderer"
WSGI_APPLICATION = "config.wsgi.application"

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
                "config.context_processors.site",
                "config.context_processors.agent_menu",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "postgis://permis:permis@127.0.0.1:5439/permis"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# Parameters bound on the server, and a statement run 5 times on a connection prepared there:
# PostgreSQL then skips parsing and planning the pages' queries (docs/benchmarks.md). Behind
# pgbouncer in transaction mode, prepared statements need pgbouncer 1.21+ with
# max_prepared_statements set; DATABASE_PREPARE_THRESHOLD=0 turns them off.
DATABASE_OPTIONS = {
    "server_side_binding": env_bool("DATABASE_SERVER_SIDE_BINDING", True),
    "prepare_threshold": env_int("DATABASE_PREPARE_THRESHOLD", 5) or None,
}
DATABASES["default"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}), **DATABASE_OPTIONS}
# Short-lived derived figures only (worklist counts, a dossier's computed deadlines): local
# memory, one cache per web process, nothing to run beside it. Several machines would each
# keep their own (same keys, same expiry); a shared Redis or Memcached needs no code change.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Parallel test runs on one cluster each name their own test database.
if test_db_name := env_str("PERMIS_TEST_DB_NAME", ""):
    DATABASES["default"]["TEST"] = {"NAME": test_db_name}
if DATABASES["default"]["ENGINE"] != "django.contrib.gis.db.backends.postgis":
    raise ImproperlyConfigured("DATABASE_URL must use the postgis:// scheme (PostgreSQL + PostGIS)")
# A streaming read replica for the reads that tolerate a few seconds of lag (core/db_router.py,
# docs/scaling.md); in tests, Django's TEST MIRROR makes it the default test database.
if replica_url := env_str("PERMIS_REPLICA_DATABASE_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(
        replica_url,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    DATABASES["replica"]["OPTIONS"] = {
        **DATABASES["replica"].get("OPTIONS", {}),
        **DATABASE_OPTIONS,
    }
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured("PERMIS_REPLICA_DATABASE_URL must use the postgis:// scheme")
DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
# Beyond this lag the replica must be taken out of service (monitoring): the event feed holds
# back this many more seconds when it reads from the replica.
PERMIS_REPLICA_MAX_LAG_SECONDS = env_int("PERMIS_REPLICA_MAX_LAG", 10)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/connexion/"

# --- Identity and access (accounts; docs/deploy.md "Sign-in") -------------------------------
AUTHENTICATION_BACKENDS = ["accounts.backends.PasswordBackend"]
LOGIN_REDIRECT_URL = "/compte/"
# OpenID providers: FranceConnect v2 for applicants, ProConnect for agents (reference §6). An
# empty issuer turns the provider off. Redirect URIs default to this site's callback URLs.
FRANCECONNECT = {
    "ISSUER": env_str("FRANCECONNECT_ISSUER", ""),  # e.g. https://oidc.franceconnect.gouv.fr/api/v2
    "CLIENT_ID": env_str("FRANCECONNECT_CLIENT_ID", ""),
    "CLIENT_SECRET": env_str("FRANCECONNECT_CLIENT_SECRET", ""),
    "SCOPES": env_str(
        "FRANCECONNECT_SCOPES",
        "openid given_name family_name preferred_username birthdate gender birthplace "
        "birthcountry email",
    ),
    "ACR_VALUES": env_str("FRANCECONNECT_ACR_VALUES", "eidas1"),
    "REDIRECT_URI": env_str("FRANCECONNECT_REDIRECT_URI", ""),
    "POST_LOGOUT_REDIRECT_URI": env_str("FRANCECONNECT_POST_LOGOUT_REDIRECT_URI", ""),
}
# PLAT'AU, the State's hub (docs/platau.md): the v10 API behind PISTE's OAuth2 client
# credentials. Empty URL: no commune exchanges through it. Retries on 429/5xx wait
# BACKOFF × 2^attempt seconds (or the Retry-After header).
PLATAU = {
    "URL": env_str("PERMIS_PLATAU_URL", ""),  # e.g. https://api.piste.gouv.fr/mtes/platau/v10/
    "TOKEN_URL": env_str(
        "PERMIS_PLATAU_TOKEN_URL", ""
    ),  # https://oauth.piste.gouv.fr/api/oauth/token
    "CLIENT_ID": env_str("PERMIS_PLATAU_CLIENT_ID", ""),
    "CLIENT_SECRET": env_str("PERMIS_PLATAU_CLIENT_SECRET", ""),
    "RETRIES": env_int("PERMIS_PLATAU_RETRIES", 4),
    "BACKOFF_SECONDS": float(env_str("PERMIS_PLATAU_BACKOFF_SECONDS", "1")),
}
PROCONNECT = {
    "ISSUER": env_str("PROCONNECT_ISSUER", ""),
    "CLIENT_ID": env_str("PROCONNECT_CLIENT_ID", ""),
    "CLIENT_SECRET": env_str("PROCONNECT_CLIENT_SECRET", ""),
    "SCOPES": env_str("PROCONNECT_SCOPES", "openid given_name usual_name email uid siret"),
    "ACR_VALUES": env_str("PROCONNECT_ACR_VALUES", ""),
    "REDIRECT_URI": env_str("PROCONNECT_REDIRECT_URI", ""),
    "POST_LOGOUT_REDIRECT_URI": env_str("PROCONNECT_POST_LOGOUT_REDIRECT_URI", ""),
}
OIDC_HTTP_TIMEOUT_S = env_int("PERMIS_OIDC_HTTP_TIMEOUT", 10)
# Password logins: a login is locked after N failures within the window; one address may fail
# at most M times within the window whatever the logins (accounts.throttle).
PERMIS_LOGIN_MAX_FAILURES = env_int("PERMIS_LOGIN_MAX_FAILURES", 5)
PERMIS_LOGIN_MAX_FAILURES_PER_IP = env_int("PERMIS_LOGIN_MAX_FAILURES_PER_IP", 30)
PERMIS_LOGIN_WINDOW_S = env_int("PERMIS_LOGIN_WINDOW", 15 * 60)
# Signing needs a re-authentication (password and code) at most this old.
PERMIS_REAUTH_MAX_AGE_S = env_int("PERMIS_REAUTH_MAX_AGE", 5 * 60)
# INSEE referential (communes, départements) from the npm package @etalab/decoupage-administratif.
PERMIS_COG_DATA_DIR = Path(
    env_str(
        "PERMIS_COG_DATA_DIR",
        str(
            BASE_DIR / "devservices/franceconnect/node_modules/@etalab/decoupage-administratif/data"
        ),
    )
)
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "urbanisme@localhost")
# --- end of identity and access ------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"  # filing dates and the year of the dossier number are French dates
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("PERMIS_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("PERMIS_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Signed PDFs (permits.decisions.storage), under PERMIS_DOCUMENTS_ROOT.
    "documents": {"BACKEND": "permits.decisions.storage.DocumentFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Tests run without collectstatic: use the finders instead of the manifest.
WHITENOISE_USE_FINDERS = DEBUG or env_bool("PERMIS_STATIC_FINDERS", False)

# Security: cookies, headers and TLS. Behind a TLS proxy in production (docs/deploy.md).
SESSION_ENGINE = "accounts.sessions"  # Django's database sessions, one statement compiled once
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and env_bool("PERMIS_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [
    # Debian 12 ships GDAL 3.6; GDAL is only given the project's own files (cadastre imports),
    # never a spatial reference chosen by a user.
    "gis.W001",
    *([] if PRODUCTION else ["security.W004", "security.W008"]),
]

# Pieces: checked by content (permits.pieces.validation); clamd scan when configured.
PERMIS_PIECE_MAX_BYTES = env_int("PERMIS_PIECE_MAX_BYTES", 20 * 1024 * 1024)
PERMIS_PIECE_MAX_PAGES = env_int("PERMIS_PIECE_MAX_PAGES", 100)
PERMIS_CLAMD = env_str("PERMIS_CLAMD", "")  # unix:/run/clamav/clamd.ctl or tcp:host:port
PERMIS_CLAMD_TIMEOUT_S = env_int("PERMIS_CLAMD_TIMEOUT", 30)
# The parcel map (issue 19): a background as an XYZ tile template (e.g. IGN's Plan IGN through
# the Géoplateforme's WMTS), its attribution, and the address search through the Base Adresse
# Nationale (e.g. https://api-adresse.data.gouv.fr/search/). None by default: tests and an
# offline demo reach nothing outside.
PERMIS_TILE_URL = env_str("PERMIS_TILE_URL", "")
PERMIS_TILE_ATTRIBUTION = env_str("PERMIS_TILE_ATTRIBUTION", "")
PERMIS_BAN_URL = env_str("PERMIS_BAN_URL", "")
PERMIS_BAN_TIMEOUT_S = env_int("PERMIS_BAN_TIMEOUT", 5)
# Upload limits (pieces are validated by content in permits; these bound the request itself).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Rate limits of the costly public endpoints (core.ratelimit): requests per person or address.
PERMIS_RATE_LIMITS_ENABLED = env_bool("PERMIS_RATE_LIMITS_ENABLED", True)
PERMIS_RATE_LIMITS = {
    "verifier": env_str("PERMIS_RATE_LIMIT_VERIFIER", "20/min"),  # a PDF read and checked
    "registers_export": env_str("PERMIS_RATE_LIMIT_REGISTERS_EXPORT", "30/min"),
    "parcel_check": env_str("PERMIS_RATE_LIMIT_PARCEL_CHECK", "120/min"),  # site and API
    "claim": env_str("PERMIS_RATE_LIMIT_CLAIM", "10/h"),  # claim codes tried, per account
}

# The service's identity shown in the interface (one deployment serves one commune or one EPCI).
PERMIS_SITE_NAME = env_str("PERMIS_SITE_NAME", "Autorisations d'urbanisme")
PERMIS_OPERATOR_NAME = env_str("PERMIS_OPERATOR_NAME", "Commune d'Épinay-sur-Orge")
# The commune's logo, a static file path (put the real one in static/ or PERMIS_STATIC_ROOT).
PERMIS_LOGO = env_str("PERMIS_LOGO", "img/logo-commune.svg")

# Paris, Lyon and Marseille number dossiers on the municipal code, not the arrondissement
# (reference §2): arrondissement INSEE codes map to these communes.
MUNICIPAL_ARRONDISSEMENTS = {"75": "75056", "69": "69123", "13": "13055"}

# The job queue (procrastinate) uses the same database: jobs are enqueued in the transaction
# of the state change that needs them (tasks.py of each app).
PROCRASTINATE_IMPORT_PATHS = ["permits.decisions.tasks"]  # tasks outside <app>/tasks.py
# A worker beats every PERMIS_WORKER_HEARTBEAT_S; one silent for PERMIS_WORKER_STALLED_AFTER_S is
# dead, and permits.decisions.tasks.retry_stalled_jobs (cron PERMIS_STALLED_JOBS_CRON) requeues
# the jobs it held.
PROCRASTINATE_WORKER_DEFAULTS = {
    "update_heartbeat_interval": env_int("PERMIS_WORKER_HEARTBEAT_S", 10),
    "stalled_worker_timeout": env_int("PERMIS_WORKER_STALLED_AFTER_S", 30),
}
PERMIS_STALLED_JOBS_CRON = env_str("PERMIS_STALLED_JOBS_CRON", "* * * * *")

# Reference data refreshed without hands (cadastre.refresh), off unless a URL template is set:
# the cadastre per commune ({insee}, {dep}: an Etalab parcelles file) and the GPU document per
# partition ({partition} = DU_{insee}: a zip), for PERMIS_REFRESH_COMMUNES (empty: all).
PERMIS_CADASTRE_REFRESH_URL = env_str("PERMIS_CADASTRE_REFRESH_URL", "")
PERMIS_GPU_REFRESH_URL = env_str("PERMIS_GPU_REFRESH_URL", "")
PERMIS_REFRESH_COMMUNES = env_list("PERMIS_REFRESH_COMMUNES")
PERMIS_REFRESH_CRON = env_str("PERMIS_REFRESH_CRON", "17 3 * * 1")  # Mondays, 03:17
# /metrics (config/metrics.py): with a token, scrapers send it as a Bearer; without one, only
# the loopback may read.
PERMIS_METRICS_TOKEN = env_str("PERMIS_METRICS_TOKEN", "")

LOG_LEVEL = env_str("PERMIS_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.logging.JsonFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        "django.request": {"handlers": ["stdout"], "level": "ERROR", "propagate": False},
        "procrastinate": {"handlers": ["stdout"], "level": "WARNING", "propagate": False},
    },
}

# The concrete model that inherits workflow.models.Instruction (workflow never imports it).
WORKFLOW_INSTRUCTION_MODEL = "permits.Dossier"

# The REST API (api/, OpenAPI 3 at /api/schema/): read-only, JSON only, errors in English.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Permis API",
    "VERSION": "1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_GENERATOR_CLASS": "api.schema.SchemaGenerator",  # loads the schema's extensions
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"DecisionOutcomeEnum": "workflow.outcomes.Outcome"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_errors",  # 400, 401, 403, 404, 429 on every operation
    ],
}

# Pieces (default storage) and signed PDFs ("documents", under the documents/ prefix) in
# S3-compatible object storage if a bucket is named (docs/scaling.md)
if env_str("PERMIS_S3_BUCKET", ""):
    _S3_OPTIONS = {
        "bucket_name": env_str("PERMIS_S3_BUCKET", ""),
        "endpoint_url": env_str("PERMIS_S3_ENDPOINT_URL", "") or None,
        "region_name": env_str("PERMIS_S3_REGION", "") or None,
        "access_key": env_str("PERMIS_S3_ACCESS_KEY_ID", "") or None,
        "secret_key": env_str("PERMIS_S3_SECRET_ACCESS_KEY", "") or None,
        "default_acl": None,
        "querystring_auth": True,  # pieces are private: signed, short-lived URLs
        "file_overwrite": False,
    }
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _S3_OPTIONS}
    STORAGES["documents"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_S3_OPTIONS, "location": "documents"},
    }
