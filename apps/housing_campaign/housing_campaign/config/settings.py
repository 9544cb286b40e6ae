"""Settings, read from the chosen site's ``site_config.toml`` and the environment."""
from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from .site import load_site

SITE_CONFIG = load_site()
PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_ROOT = SITE_CONFIG.root

SECRET_KEY = SITE_CONFIG.secret_key
DEBUG = SITE_CONFIG.debug
# The base URL's host, the site's explicit allowed_hosts, loopback names for a loopback base URL.
ALLOWED_HOSTS = SITE_CONFIG.allowed_hosts
# Printed in every certificate's QR code: `make run` sets it to the address it serves; checked by
# `manage.py check --deploy` (core/checks.py) and shown on the admin index.
SITE_BASE_URL = SITE_CONFIG.base_url
CSRF_TRUSTED_ORIGINS = [SITE_BASE_URL] if SITE_BASE_URL.startswith("http") else []

DOMAIN_APPS = [
    "housing_campaign.core",
    "housing_campaign.geography",
    "housing_campaign.accounts",
    "housing_campaign.extrafields",
    "housing_campaign.workflow",
    "housing_campaign.campaigns",
    "housing_campaign.households",
    "housing_campaign.cases",
    "housing_campaign.funding",
    "housing_campaign.contributions",
    "housing_campaign.commendations",
    "housing_campaign.printing",
    "housing_campaign.certificates",
    "housing_campaign.postings",
    "housing_campaign.feedback",
    "housing_campaign.reports",
    "housing_campaign.emulation",
    "housing_campaign.webhooks",
    "housing_campaign.desk",
    "housing_campaign.public",
    "housing_campaign.imports",
    "housing_campaign.api",
    "housing_campaign.site",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    *DOMAIN_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "housing_campaign.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "housing_campaign.core.middleware.VietnameseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "housing_campaign.core.middleware.SchedulerMiddleware",
]
# Scheduled jobs (hooks.scheduler_events) run in-process unless a Celery broker is configured.
RUN_SCHEDULES_IN_PROCESS = os.environ.get("RUN_SCHEDULES_IN_PROCESS", "1") == "1"

ROOT_URLCONF = "housing_campaign.config.urls"
WSGI_APPLICATION = "housing_campaign.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    }
]

DATABASES = {"default": SITE_CONFIG.database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "desk:queue"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = SITE_CONFIG.language
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = SITE_CONFIG.time_zone
USE_I18N = True
USE_TZ = True
# Never group digits implicitly: ids in forms must stay plain numbers; money uses the |vnd filter.
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["housing_campaign.config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = SITE_CONFIG.folder / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/files/"
MEDIA_ROOT = SITE_CONFIG.files_dir
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000
MAX_UPLOAD_BYTES = 10 * 1024 * 1024

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "hc"},
}
_cache_url = os.environ.get("CACHE_URL") or SITE_CONFIG.raw.get("cache", {}).get("url")
if _cache_url:
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}

# Background jobs run in-process unless a broker is configured (then Celery workers and beat).
CELERY_BROKER_URL = SITE_CONFIG.broker_url or None
CELERY_TASK_ALWAYS_EAGER = not SITE_CONFIG.broker_url
CELERY_TIMEZONE = TIME_ZONE
# Batch printing (desk/printing.py): jobs queued or running at once per user and site-wide (0 = cores),
# seconds allowed per part of 50 cases, minutes without progress before a job is swept to failed.
BATCH_PRINT_MAX_PER_USER = 2
BATCH_PRINT_MAX_SITE = 0
BATCH_PRINT_CHUNK_TIMEOUT = 300
BATCH_PRINT_STALE_MINUTES = 15

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "SAMEORIGIN"

# Served over HTTPS (the base URL says so): cookies only over HTTPS, HSTS, a Content-Security-Policy.
_site_table = SITE_CONFIG.raw.get("site", {})
SERVED_OVER_HTTPS = SITE_BASE_URL.lower().startswith("https://")
SESSION_COOKIE_SECURE = SERVED_OVER_HTTPS
CSRF_COOKIE_SECURE = SERVED_OVER_HTTPS
SECURE_HSTS_SECONDS = int(_site_table.get("hsts_seconds", 31536000)) if SERVED_OVER_HTTPS else 0
SECURE_SSL_REDIRECT = SERVED_OVER_HTTPS and bool(_site_table.get("ssl_redirect", False))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Only behind a reverse proxy that sets it (and strips it from clients): [site] proxy_ssl_header.
if _site_table.get("proxy_ssl_header"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + str(_site_table["proxy_ssl_header"]).upper().replace("-", "_"), "https")
# Scripts only from this site (no inline script, no eval); inline styles stay allowed for the print
# preview, the public page and Django's admin widgets. img data: for QR codes in previews.
HTTPS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-src 'self'; frame-ancestors 'self'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)
CONTENT_SECURITY_POLICY = HTTPS_CONTENT_SECURITY_POLICY if SERVED_OVER_HTTPS else ""
# Pages with personal data are never stored by browsers or proxies (core/middleware.py).
NO_STORE_PATH_PREFIXES = ("/desk/", "/admin/", "/api/")
CSRF_FAILURE_VIEW = "housing_campaign.config.errors.csrf_failure"

# Public verification page: requests per client per minute.
# Reverse proxies whose X-Forwarded-For is believed (per-client rate limits behind a proxy).
TRUSTED_PROXIES = SITE_CONFIG.raw.get("site", {}).get("trusted_proxies", [])
VERIFY_RATE_LIMIT_PER_MINUTE = int(os.environ.get("VERIFY_RATE_LIMIT_PER_MINUTE", "60"))
# Bounds on administrator-written templates and conditions (core/limits.py DEFAULTS; site [limits] table).
EVAL_LIMITS = SITE_CONFIG.raw.get("limits", {})

# Imports of survey lists ([imports] in site_config.toml, or the environment): a province's whole list fits.
_imports = SITE_CONFIG.raw.get("imports", {})
IMPORT_MAX_MB = int(os.environ.get("IMPORT_MAX_MB", _imports.get("max_mb", 50)))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", _imports.get("max_rows", 300_000)))
IMPORT_MAX_UNZIPPED_MB = int(os.environ.get("IMPORT_MAX_UNZIPPED_MB", _imports.get("max_unzipped_mb", 600)))

# Webhooks ([webhooks] in site_config.toml): seconds allowed per attempt (connection, each read and the whole
# exchange), attempts per delivery (retried with the side-effect jobs' backoff), failed attempts in a row after
# which a webhook switches itself off, and the networks (CIDR) administrators may send to although they are
# private (an integration server on the province's own network; loopback and private addresses are otherwise
# refused to everyone but superusers).
_webhooks = SITE_CONFIG.raw.get("webhooks", {})
WEBHOOK_TIMEOUT_SECONDS = float(_webhooks.get("timeout_seconds", 10))
WEBHOOK_MAX_ATTEMPTS = int(_webhooks.get("max_attempts", 8))
WEBHOOK_DISABLE_AFTER_FAILURES = int(_webhooks.get("disable_after_failures", 10))
WEBHOOK_ALLOWED_NETWORKS = [str(n) for n in _webhooks.get("allowed_networks", [])]
# The REST API (housing_campaign/api, README "REST API"): Django REST framework with drf-spectacular.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["housing_campaign.api.auth.BearerTokenAuthentication",
                                       "housing_campaign.api.auth.CsrfSessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["housing_campaign.api.auth.ApiAccess"],
    "DEFAULT_THROTTLE_CLASSES": ["housing_campaign.api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser", "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "housing_campaign.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "STRICT_JSON": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API – Chung tay xóa nhà tạm, nhà dột nát",
    "DESCRIPTION": "Hồ sơ, hộ gia đình, đóng góp, niêm yết, phản ánh, khen thưởng, đơn vị hành chính, chương trình, "
                   "quy trình và nhật ký, đọc và cập nhật theo đúng quy tắc của bàn làm việc (README, mục REST API).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "ENUM_NAME_OVERRIDES": {"PartConditionEnum": "housing_campaign.cases.models.PartCondition.choices"},
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "housing_campaign.api.schema.add_error_responses"],
    "SECURITY": [{"bearerAuth": []}, {"cookieAuth": []}],
}
# Requests per token (per user for the browser's session) per minute; bodies: JSON and multipart (photos).
API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("API_RATE_LIMIT_PER_MINUTE", "600"))
API_MAX_JSON_BYTES = 1024 * 1024
API_MAX_UPLOAD_BYTES = 25 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # Server errors: the trace and its incident reference (config/errors.py) go to the log only.
    "loggers": {"housing_campaign": {"level": "INFO"}},
}
