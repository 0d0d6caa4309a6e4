"""Settings, read once from the environment (django-environ) with embedded defaults.

With no environment at all the project runs on SQLite under var/, runs Celery tasks in-process and
writes every email as a .eml file under var/outbox/: what `make demo` needs on a machine with no network.
"""

import json
import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
# A local checkout's own settings for commands run by hand (the README's `manage.py ...`): the git-ignored .env that
# `make demo` writes once with a generated SECRET_KEY. Real environment variables win over it; production has no
# such file (.dockerignore keeps it out of the image), so a process there without a key still refuses to start.
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# No usable default: whoever knows the key can sign any reader's preference and unsubscribe links. With DEBUG on
# (development only) a fixed, published key is used, and `check --deploy` refuses it (subscribers.E001).
DEVELOPMENT_SECRET_KEY = "development-only-key-never-used-with-debug-off-5b1e0f9a7c2d4e6f8a0b1c3d5e7f9a1b"  # noqa: S105  (published on purpose)
SECRET_KEY = env("SECRET_KEY", default="") or (DEVELOPMENT_SECRET_KEY if DEBUG else "")
# A key that can be guessed is no better than none: with DEBUG off, Django's own `check --deploy` rule (W009: at
# least 50 characters, 5 distinct ones, not a startproject placeholder) refuses to start instead of warning.
_KEY_PROBLEM = (
    "not set"
    if not SECRET_KEY
    else "too weak (under 50 characters, under 5 distinct ones, or a django-insecure- placeholder)"
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")
    else ""
)
if _KEY_PROBLEM and not DEBUG:
    raise ImproperlyConfigured(
        f"SECRET_KEY is {_KEY_PROBLEM} and DEBUG is off: set SECRET_KEY to a long random value "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), or DEBUG=true for development"
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Written in Simplified Chinese; OpenCC makes the Traditional forms (每日精選 AI 論文).
SITE_NAME = "每日精选 AI 论文"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.syndication",
    "anymail",
    "digest",
    "subscribers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "newsletter.language_tags.ChineseLanguageTagsMiddleware",  # zh-Hant-HK -> zh-HK before the next reads it
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "newsletter.urls"
WSGI_APPLICATION = "newsletter.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default=None)}
# A kept connection (conn_max_age in DATABASE_URL) is checked before reuse: a restarted database costs a reconnect,
# not a failed request or task.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# How long `manage.py migrate` waits for a table's lock on PostgreSQL before failing (digest's migrate command): a
# migration queued behind a long transaction would otherwise make every claim and webhook wait behind it in turn.
MIGRATION_LOCK_TIMEOUT = env("MIGRATION_LOCK_TIMEOUT", default="5s")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

# Interface languages. Django's language codes are lower-case; subscribers store the BCP 47 tags
# (zh-Hant-TW ...) and subscribers.languages maps between the two.
LANGUAGE_CODE = "en"  # Accept-Language or the subscriber preference picks the Chinese variants
LANGUAGES = [
    ("zh-tw", "繁體中文（台灣）"),
    ("zh-hk", "繁體中文（香港）"),
    ("zh-hans", "简体中文"),
    ("en", "English"),
]
# Ours first; then Django's own zh_Hant strings filed under zh_TW / zh_HK (scripts/django_traditional_catalogues.py,
# built by `make messages`), without which the admin stays English for Taiwan and Hong Kong editors.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "build" / "django_locale"]
# Our zh-tw / zh-hk codes find no formats in Django (it files them under zh_Hant): these point them there.
FORMAT_MODULE_PATH = ["newsletter.formats"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Taipei")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Serve straight from the app and project static dirs when collectstatic has not run (demo, tests).
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Email -------------------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="digest.delivery.providers.outbox.OutboxEmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
# For EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend (a Postfix of your own, a provider's relay).
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=30.0)
EMAIL_OUTBOX_DIR = Path(env("EMAIL_OUTBOX_DIR", default=str(VAR_DIR / "outbox")))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="每日精選 AI 論文 <digest@daily-ai-papers.example>")
# ADMINS=ops@example.org,editor@example.org: who hears of a weekday with no papers or with every source down.
ADMINS = [(address, address) for address in env.list("ADMINS", default=[])]
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].strip(" >"))
UNSUBSCRIBE_MAILTO = env("UNSUBSCRIBE_MAILTO", default="unsubscribe@daily-ai-papers.example")
LIST_ID = env("LIST_ID", default="Daily AI Papers <daily.daily-ai-papers.example>")


# Every ANYMAIL_* variable goes into the ANYMAIL dict without its prefix, so any ESP (or a loopback
# server speaking its API) is chosen by environment alone.
def _anymail_value(key: str, value: str) -> str | float | bool | dict:
    """Environment strings typed as anymail expects them (REQUESTS_TIMEOUT=5, IGNORE_UNSUPPORTED_FEATURES=true,
    AMAZON_SES_CLIENT_PARAMS={"endpoint_url": ...} as JSON: boto3's keyword arguments); tokens and secrets stay
    strings even when they look like numbers."""
    if key.endswith("_PARAMS"):
        return json.loads(value)
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    if key.endswith("TIMEOUT"):
        return float(value)
    return value


ANYMAIL = {
    key.removeprefix("ANYMAIL_"): _anymail_value(key, value)
    for key, value in os.environ.items()
    if key.startswith("ANYMAIL_")
}
if EMAIL_BACKEND.endswith("amazon_ses.EmailBackend"):  # ours (a shared boto3 client) or anymail's
    # Amazon SES through boto3 (credentials and region: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION or
    # any other way boto3 finds them). One attempt per request, as with the other providers: the send path retries
    # with backoff and knows what was sent, while boto3 retrying a SendEmail whose answer was lost could mail twice.
    _ses_client = ANYMAIL.setdefault("AMAZON_SES_CLIENT_PARAMS", {})
    _ses_client.setdefault("config", {}).setdefault("retries", {"total_max_attempts": 1})
    # One boto3 client serves every sending thread of a process: a kept-alive connection for each of them.
    _ses_client["config"].setdefault("max_pool_connections", max(10, env.int("SEND_CONCURRENCY", default=8)))

# --- Celery ------------------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="memory://localhost/")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
# Unset broker: tasks run in-process (the demo and most tests); set: a real worker runs them.
CELERY_TASK_ALWAYS_EAGER = "CELERY_BROKER_URL" not in os.environ
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Redis redelivers unacknowledged tasks after this; no task or ETA may come near it (DESIGN.md).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_TIMEZONE = TIME_ZONE
# On: the daily run and the 15-minute beat send each reader at their own delivery hour and time zone.
# Off: the daily run sends everyone at once (the in-process default of the demo).
SEND_AT_LOCAL_HOUR = env.bool("SEND_AT_LOCAL_HOUR", default=False)
DAILY_RUN_HOUR = env.int("DAILY_RUN_HOUR", default=6)
DAILY_RUN_MINUTE = env.int("DAILY_RUN_MINUTE", default=30)

# --- Papers and editions -----------------------------------------------------------------------------
FEED_TIMEOUT_SECONDS = env.float("FEED_TIMEOUT_SECONDS", default=20.0)
FEED_MAX_BYTES = env.int("FEED_MAX_BYTES", default=10 * 1024 * 1024)
# The whole download (feeds, "add by arXiv id"), however the server spaces its bytes: FEED_TIMEOUT_SECONDS bounds
# each read, this the sum (checked between reads, so a fetch ends within this plus one read timeout).
FEED_DEADLINE_SECONDS = env.float("FEED_DEADLINE_SECONDS", default=60.0)
# Where "add a paper by arXiv id" in the admin looks a paper up (tests point it at a loopback server).
ARXIV_API_URL = env("ARXIV_API_URL", default="https://export.arxiv.org/api/query")
EDITION_MAX_PAPERS = env.int("EDITION_MAX_PAPERS", default=40)
DEFAULT_MAX_PAPERS = env.int("DEFAULT_MAX_PAPERS", default=10)
# The day's other translated papers a reader's own signal (a follow, their model) may still bring; 0 turns it off.
EDITION_RESERVE_PAPERS = env.int("EDITION_RESERVE_PAPERS", default=300)
SEND_BATCH_SIZE = env.int("SEND_BATCH_SIZE", default=200)
# The results chart stores an edition's figures this long after it was sent (events have stopped arriving), and
# then reads them instead of counting the edition's deliveries and events again.
EDITION_TOTALS_FINAL_AFTER_DAYS = env.int("EDITION_TOTALS_FINAL_AFTER_DAYS", default=7)
# Deliveries and events of editions older than this are summarized (EditionTotals) and deleted nightly, in batches
# of RETENTION_BATCH rows; raw webhook payloads are emptied sooner (digest.delivery.retention).
DELIVERY_RETENTION_DAYS = env.int("DELIVERY_RETENTION_DAYS", default=365)
EVENT_PAYLOAD_RETENTION_DAYS = env.int("EVENT_PAYLOAD_RETENTION_DAYS", default=90)
RETENTION_BATCH = env.int("RETENTION_BATCH", default=5000)
DELIVERY_LEASE_SECONDS = env.int("DELIVERY_LEASE_SECONDS", default=300)
# A provider outage must not turn into a half-sent edition: transient failures (429, 5xx, timeouts) are
# retried until a delivery is DELIVERY_RETRY_HOURS old; DELIVERY_MAX_ATTEMPTS caps attempts whatever the
# cause (a row whose worker keeps dying stops being claimed).
DELIVERY_RETRY_HOURS = env.float("DELIVERY_RETRY_HOURS", default=12.0)
DELIVERY_MAX_ATTEMPTS = env.int("DELIVERY_MAX_ATTEMPTS", default=50)
# Parallel sends within one batch (threads sharing nothing but the rate limit); ESP latency is the bottleneck.
SEND_CONCURRENCY = env.int("SEND_CONCURRENCY", default=8)
# Providers that merge per-recipient fields (see digest/delivery/providers/batching.py) get one request per
# variant and up to their batch limit of readers (or SEND_ESP_BATCH_MAX, 0: the provider's limit); off: one each.
SEND_ESP_BATCH = env.bool("SEND_ESP_BATCH", default=True)
SEND_ESP_BATCH_MAX = env.int("SEND_ESP_BATCH_MAX", default=0)
# First retry of a batch's transient failures after this many seconds (doubling), unless Retry-After says.
SEND_RETRY_BASE_SECONDS = env.float("SEND_RETRY_BASE_SECONDS", default=10.0)
# Provider's messages/second, shared across workers through Redis (0: unlimited).
SEND_RATE_PER_SECOND = env.int("SEND_RATE_PER_SECOND", default=0)
SEND_RATE_LIMIT_REDIS_URL = env(
    "SEND_RATE_LIMIT_REDIS_URL",
    default=CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "",
)
VARIANT_CACHE_SECONDS = env.int("VARIANT_CACHE_SECONDS", default=600)
# Gmail clips an HTML part past ~102 KB, hiding the footer with the unsubscribe link: later papers of an
# email past this budget (bytes as sent) show a short form with a link to the reader's web view.
EMAIL_HTML_BUDGET_BYTES = env.int("EMAIL_HTML_BUDGET_BYTES", default=90 * 1024)
SOFT_BOUNCES_BEFORE_SUPPRESSION = env.int("SOFT_BOUNCES_BEFORE_SUPPRESSION", default=3)

# --- Translation -------------------------------------------------------------------------------------
TRANSLATOR_BASE_URL = env("TRANSLATOR_BASE_URL", default="").rstrip("/")
TRANSLATOR_API_KEY = env("TRANSLATOR_API_KEY", default="")
TRANSLATOR_MODEL = env("TRANSLATOR_MODEL", default="")
TRANSLATOR_TIMEOUT_SECONDS = env.float("TRANSLATOR_TIMEOUT_SECONDS", default=60.0)
# One reply in all, however slowly it trickles in (the timeout above restarts on every byte).
TRANSLATOR_REQUEST_DEADLINE_SECONDS = env.float(
    "TRANSLATOR_REQUEST_DEADLINE_SECONDS", default=2 * TRANSLATOR_TIMEOUT_SECONDS
)
# The day's translate step: past it no paper is started, the rest wait for the next run (0: no limit).
TRANSLATOR_RUN_DEADLINE_SECONDS = env.float("TRANSLATOR_RUN_DEADLINE_SECONDS", default=1800.0)
# The reply's token limit (a reasoning model thinks first); a reply cut off there is asked again with twice it.
TRANSLATOR_MAX_REPLY_TOKENS = env.int("TRANSLATOR_MAX_REPLY_TOKENS", default=8192)
TRANSLATOR_MAX_RETRIES = env.int("TRANSLATOR_MAX_RETRIES", default=2)
TRANSLATOR_CONCURRENCY = env.int("TRANSLATOR_CONCURRENCY", default=8)
# Per-run budget (0: no limit): past it the remaining papers wait for the next run, with a log line saying so.
TRANSLATOR_MAX_PAPERS_PER_RUN = env.int("TRANSLATOR_MAX_PAPERS_PER_RUN", default=300)
TRANSLATOR_MAX_TOKENS_PER_RUN = env.int("TRANSLATOR_MAX_TOKENS_PER_RUN", default=1_000_000)
# After this many papers in a row got no answer (refused, timeout, 429/5xx), a run stops asking (0: never).
TRANSLATOR_MAX_CONSECUTIVE_FAILURES = env.int("TRANSLATOR_MAX_CONSECUTIVE_FAILURES", default=5)
TRANSLATOR_BACKOFF_SECONDS = env.float("TRANSLATOR_BACKOFF_SECONDS", default=1.0)
# Prices per million tokens, for the cost estimate in translate_papers and the admin (0: unknown/free).
TRANSLATOR_PRICE_PROMPT_PER_MTOK = env.float("TRANSLATOR_PRICE_PROMPT_PER_MTOK", default=0.0)
TRANSLATOR_PRICE_COMPLETION_PER_MTOK = env.float("TRANSLATOR_PRICE_COMPLETION_PER_MTOK", default=0.0)
TRANSLATOR_PRICE_CURRENCY = env("TRANSLATOR_PRICE_CURRENCY", default="USD")

# --- Cache and rate limits (django-ratelimit counts in the default cache) --------------------------
# Local memory by default (locmemcache://) (one process: demo, tests); production sets a shared one, e.g. redis://host:6379/2,
# or every worker process counts on its own (manage.py check --deploy warns).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
SUBSCRIBE_RATE_PER_IP = env("SUBSCRIBE_RATE_PER_IP", default="20/h")
SUBSCRIBE_RATE_PER_ADDRESS = env("SUBSCRIBE_RATE_PER_ADDRESS", default="3/h")  # sign-ups and address changes
EMAIL_CHANGE_RATE_PER_READER = env("EMAIL_CHANGE_RATE_PER_READER", default="5/h")
# Public archive pages are the same for everyone: each is rendered at most once per this many seconds.
ARCHIVE_CACHE_SECONDS = env.int("ARCHIVE_CACHE_SECONDS", default=60)
# Behind a reverse proxy REMOTE_ADDR is the proxy: name the header it sets, e.g. HTTP_X_REAL_IP.
RATELIMIT_IP_META_KEY = env("RATELIMIT_IP_META_KEY", default=None)

# --- Signed links ------------------------------------------------------------------------------------
CONFIRM_LINK_MAX_AGE_DAYS = env.int("CONFIRM_LINK_MAX_AGE_DAYS", default=7)
# Preference-centre links expire (every email carries a fresh one); an expired link offers a new one, mailed to
# the address on file at most FRESH_LINK_RATE_PER_READER times. Unsubscribe links never expire.
MANAGE_LINK_MAX_AGE_DAYS = env.int("MANAGE_LINK_MAX_AGE_DAYS", default=60)
FRESH_LINK_RATE_PER_READER = env("FRESH_LINK_RATE_PER_READER", default="3/h")

# --- Production hardening (on when DEBUG is off and HTTPS is declared) -------------------------------
SECURE_SSL = env.bool("SECURE_SSL", default=False)
if SECURE_SSL:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
