"""Settings for WhatAnswers.

Everything comes from the environment, with defaults that suit development.
Production sets DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS,
DATABASE_URL and REDIS_URL.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


def env_float(name, default):
    value = env(name)
    return float(value) if value else default


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# On by default for development; production sets DJANGO_DEBUG=0.
DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. Set it to a "
            "long random string, e.g. the output of: python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

SITE_NAME = env("SITE_NAME", "WhatAnswers")
# The public address, for links in emails (pages use the request's host).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "taggit",
    "markdownx",
    "django_tasks_db",
    "modelsearch",
    "reversion",
    "topics",
    "articles",
    "suggestions",
    # Project-wide management commands (make bench) that span the apps.
    "whatanswers",
]

MIDDLEWARE = [
    # Anonymous pages from the cache first: a hit needs none of the others,
    # and the stored page keeps the headers they added. GZip sits inside it,
    # so that the cache keeps the compressed body.
    "articles.delivery.caching.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last: the 400/414/429 pages they answer still carry the headers above.
    "whatanswers.request_limits.RequestLimitsMiddleware",
    "whatanswers.login_guard.LoginGuardMiddleware",
]
# Admin sign-in: failures per address or username before a lockout.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
# After Redis fails, how long the cache is skipped before it is tried again.
CACHE_RETRY_SECONDS = env_int("CACHE_RETRY_SECONDS", 5)
# Longer query strings get 414 (whatanswers.request_limits).
MAX_QUERY_STRING = env_int("MAX_QUERY_STRING", 2048)

ROOT_URLCONF = "whatanswers.urls"
WSGI_APPLICATION = "whatanswers.wsgi.application"

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
                "django.template.context_processors.csp",
                "whatanswers.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write concurrently: take the write lock at
    # the start of a transaction (a deferred one can fail at once with
    # "database is locked") and wait for it rather than fail.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # modelsearch's PostgreSQL full-text search needs contrib.postgres.
    INSTALLED_APPS.append("django.contrib.postgres")
    # Bind parameters on the server, so that psycopg prepares the statements
    # a connection runs often and PostgreSQL plans them once, not per request.
    if env_bool("DATABASE_SERVER_SIDE_BINDING", True):
        DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
    DATABASES["default"].setdefault("OPTIONS", {})
    # An unreachable database fails a request in seconds (a 503 page,
    # whatanswers.errors), not after the system's TCP timeout.
    DATABASES["default"]["OPTIONS"]["connect_timeout"] = env_int(
        "DATABASE_CONNECT_TIMEOUT", 3
    )
    # Web processes also bound each statement (set for runserver by `make
    # run` and for gunicorn by wsgi.py); migrations and bulk commands do not.
    if statement_ms := env_int("DATABASE_STATEMENT_TIMEOUT", 0):
        DATABASES["default"]["OPTIONS"]["options"] = (
            f"-c statement_timeout={statement_ms}"
        )

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "whatanswers.redis_cache.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "whatanswers",
            # A Redis that stops answering costs a page at most this long
            # (then whatanswers.redis_cache serves without it for a while).
            "OPTIONS": {
                "socket_connect_timeout": env_float("REDIS_CONNECT_TIMEOUT", 0.5),
                "socket_timeout": env_float("REDIS_TIMEOUT", 1.0),
            },
        }
    }
else:
    # Room for whole pages and buffered views: locmem evicts past MAX_ENTRIES
    # (300 by default), and an evicted view slot is a lost view.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("DJANGO_TIME_ZONE", "UTC")
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
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))

# Pages are small; listings show this many answers per page.
ARTICLES_PER_PAGE = env_int("ARTICLES_PER_PAGE", 20)

# Markdown editor (django-markdownx): one renderer for preview and pages, and
# raster images only. SVG can carry script, so it is never accepted.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "articles.core.markdown.render_markdown"
MARKDOWNX_UPLOAD_CONTENT_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"]
MARKDOWNX_UPLOAD_MAX_SIZE = 5 * 1024 * 1024
MARKDOWNX_MEDIA_PATH = "uploads/"

TAGGIT_CASE_INSENSITIVE = True

# Background work: Django's tasks framework, stored in the database and run by
# `manage.py db_worker` (make run starts one).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Trending: views decay exponentially with age.
TRENDING_HALF_LIFE_HOURS = env_int("TRENDING_HALF_LIFE_HOURS", 48)
TRENDING_WINDOW_DAYS = env_int("TRENDING_WINDOW_DAYS", 14)
TRENDING_CACHE_SECONDS = env_int("TRENDING_CACHE_SECONDS", 5 * 60)
# The trending rail beside every answer follows the list at most this often.
TRENDING_RAIL_SECONDS = env_int("TRENDING_RAIL_SECONDS", 3600)
# The browse counts beside every answer follow at most this often (listings
# and home follow on every scheduled pass).
ANSWER_BROWSE_SECONDS = env_int("ANSWER_BROWSE_SECONDS", 3600)

# Whole pages for anonymous visitors, kept fresh by versioned keys: a change
# makes stale exactly the pages that show it, so a copy may live for hours,
# and the long tail stays cached between its rare visits.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 6 * 3600)
# A page made stale by an edit, a publish or its age is served for at most
# this long while one request renders it again (never after an unpublish).
PAGE_STALE_SECONDS = env_int("PAGE_STALE_SECONDS", 5)
PAGE_BROWSER_MAX_AGE = env_int("PAGE_BROWSER_MAX_AGE", 60)
PAGE_SHARED_MAX_AGE = env_int("PAGE_SHARED_MAX_AGE", 5 * 60)
# Pages each process also keeps in its own memory (about 20 KB each).
PAGE_CACHE_LOCAL_ENTRIES = env_int("PAGE_CACHE_LOCAL_ENTRIES", 500)
# Background upkeep (manage.py run_scheduler enqueues it; db_worker runs it).
VIEW_FLUSH_SECONDS = env_int("VIEW_FLUSH_SECONDS", 10)
# With Redis, each web process sends the views it counted this often.
VIEW_SEND_SECONDS = env_int("VIEW_SEND_SECONDS", 1)
# Without Redis each process has its own cache, which the worker cannot read:
# then each web process flushes its own buffered views every VIEW_FLUSH_SECONDS.
VIEW_FLUSH_IN_PROCESS = env_bool("VIEW_FLUSH_IN_PROCESS", not REDIS_URL)
RANKINGS_REFRESH_SECONDS = env_int("RANKINGS_REFRESH_SECONDS", 60)
# How soon moderators see how many answers look like a new suggestion.
SIMILAR_COUNT_SECONDS = env_int("SIMILAR_COUNT_SECONDS", 30)
# How often scheduled publishing and unpublishing are checked (a task is also
# queued for the exact publish time of each scheduled answer).
PUBLISHING_CHECK_SECONDS = env_int("PUBLISHING_CHECK_SECONDS", 10)

# What an answer needs before it may be published (articles.editorial.readiness).
PUBLISH_MIN_KEY_FACTS = env_int("PUBLISH_MIN_KEY_FACTS", 3)
PUBLISH_MIN_SOURCES = env_int("PUBLISH_MIN_SOURCES", 1)
PUBLISH_MIN_BODY_WORDS = env_int("PUBLISH_MIN_BODY_WORDS", 150)
# The dashboard lists published answers not reviewed for this many months.
REVIEW_STALE_MONTHS = env_int("REVIEW_STALE_MONTHS", 12)
# What a body may be before it is too big or too deeply built to render
# (articles.core.markdown): refused at save, shown flattened if stored anyway.
MARKDOWN_MAX_CHARS = env_int("MARKDOWN_MAX_CHARS", 40_000)
MARKDOWN_MAX_LINES = env_int("MARKDOWN_MAX_LINES", 800)
MARKDOWN_MAX_LINE_CHARS = env_int("MARKDOWN_MAX_LINE_CHARS", 5_000)
MARKDOWN_MAX_NESTING = env_int("MARKDOWN_MAX_NESTING", 12)
MARKDOWN_MAX_INLINE_MARKS = env_int("MARKDOWN_MAX_INLINE_MARKS", 240)
MARKDOWN_MAX_ANGLE_BRACKETS = env_int("MARKDOWN_MAX_ANGLE_BRACKETS", 16)
MARKDOWN_MAX_TABLE_COLUMNS = env_int("MARKDOWN_MAX_TABLE_COLUMNS", 40)
# A task RUNNING for longer was left by a worker that died: it is queued
# again, up to TASK_MAX_CLAIMS claims (whatanswers.task_recovery). Longer than
# any task runs (the answer generator's timeout is ANSWER_LLM_TIMEOUT).
TASK_STALE_SECONDS = env_int("TASK_STALE_SECONDS", 15 * 60)
TASK_MAX_CLAIMS = env_int("TASK_MAX_CLAIMS", 3)
# The worker's heartbeat for /healthz (whatanswers.health): written every
# HEARTBEAT_SECONDS, stale after HEALTH_WORKER_MAX_AGE.
HEARTBEAT_SECONDS = env_int("HEARTBEAT_SECONDS", 30)
HEALTH_WORKER_MAX_AGE = env_int("HEALTH_WORKER_MAX_AGE", 120)
# How often the dashboard's demand grid and review list are recomputed.
DASHBOARD_REFRESH_SECONDS = env_int("DASHBOARD_REFRESH_SECONDS", 300)
# How long a signed preview link for a reviewer without an account works.
PREVIEW_LINK_DAYS = env_int("PREVIEW_LINK_DAYS", 7)
# Related answers ranked by one scheduled run: at most this many, for at most
# this long, so that the one worker soon gets back to the periodic tasks.
RELATED_REFRESH_BATCH = env_int("RELATED_REFRESH_BATCH", 500)
RELATED_REFRESH_SECONDS = env_int("RELATED_REFRESH_SECONDS", 3)
RELATED_MAX_AGE_SECONDS = env_int("RELATED_MAX_AGE_SECONDS", 24 * 3600)
# Sitemap section pages list at most this many answers each.
SITEMAP_SECTION_SIZE = env_int("SITEMAP_SECTION_SIZE", 10_000)

# Suggestions: spam and abuse limits.
SUGGEST_RATE_LIMIT = env_int("SUGGEST_RATE_LIMIT", 5)  # per client per window
SUGGEST_RATE_WINDOW = env_int("SUGGEST_RATE_WINDOW", 60 * 60)  # seconds
SUGGEST_MIN_FILL_SECONDS = env_int("SUGGEST_MIN_FILL_SECONDS", 2)
SIMILAR_RATE_LIMIT = env_int("SIMILAR_RATE_LIMIT", 60)  # look-ups per minute
# Searches per client address per window (articles.pages.views.search): 429 past it.
SEARCH_RATE_LIMIT = env_int("SEARCH_RATE_LIMIT", 60)
SEARCH_RATE_WINDOW = env_int("SEARCH_RATE_WINDOW", 60)
# Behind a proxy, the META key holding the client address, for example
# HTTP_X_FORWARDED_FOR. Only set it when the proxy overwrites that header.
TRUSTED_PROXY_HEADER = env("TRUSTED_PROXY_HEADER")

# Answer generation for approved suggestions.
ANSWER_GENERATOR = env(
    "ANSWER_GENERATOR", "suggestions.generators.outline.OutlineGenerator"
)
ANSWER_LLM_BASE_URL = env("ANSWER_LLM_BASE_URL")
ANSWER_LLM_MODEL = env("ANSWER_LLM_MODEL")
ANSWER_LLM_API_KEY = env("ANSWER_LLM_API_KEY")
ANSWER_LLM_TIMEOUT = env_int("ANSWER_LLM_TIMEOUT", 120)
ANSWER_GENERATION_MAX_ATTEMPTS = env_int("ANSWER_GENERATION_MAX_ATTEMPTS", 3)
ANSWER_GENERATION_BACKOFF_SECONDS = env_int("ANSWER_GENERATION_BACKOFF_SECONDS", 60)

# Strict CSP: no inline script or style anywhere on the site.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "https:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Behind a load balancer that terminates TLS and sets X-Forwarded-Proto.
    if env_bool("DJANGO_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Django 6.1's MAILERS: the console under development, SMTP in production.
MAILERS = {
    "default": {
        "BACKEND": env(
            "DJANGO_EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend"
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
    }
}
if MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 587),
        "username": env("EMAIL_HOST_USER"),
        "password": env("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", True),
    }
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "WhatAnswers <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Admin", a) for a in env_list("DJANGO_ADMINS")]

LOGIN_URL = "admin:login"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
}
