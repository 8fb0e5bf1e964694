"""cfcity settings: every deployment choice comes from a CFCITY_* environment variable.

See README.md (Configuration) for the list.  Nothing here creates files: the data
directory appears when the database or the secret key is first used.
"""
import json
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from cfcity.env import envbool, envint, envlist, envstr
from cfcity.secret import lazy_secret

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(envstr("DATA_DIR", "var")).expanduser().resolve()

# CFCITY_PRODUCTION: a served deployment (docs/deployment.md). Every choice then comes from the
# environment; what is missing or unsafe is listed in CONFIG_PROBLEMS (cfcity.ops.config), which
# `cfcity check` prints and every other entry point (web, worker, commands) refuses to start with.
PRODUCTION = envbool("PRODUCTION", False)
DEBUG = envbool("DEBUG", False)
SECRET_KEY = envstr("SECRET_KEY") or lazy_secret(DATA_DIR / "secret_key")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "cfcity.orgs",
    "axes",  # login throttling
    "django_otp",  # second factor (cfcity.accounts.twofactor)
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # one-time backup codes
    "cfcity.accounts",
    "cfcity.audit",
    "cfcity.plans",
    "cfcity.reporting",
    "cfcity.monitoring",
    "cfcity.backup",  # cfcity backup create|verify|restore (no models)
    "cfcity.welfare",
    "cfcity.supervision",  # inspections, findings and the rectification loop (督查整改)
    "cfcity.evaluation",  # third-party evaluation: checklist, scores, summary beside the engine
    "cfcity.workplans",  # annual work plans, target breakdown by year, children's budget
    "cfcity.agenda",  # every deadline in one calendar, reminders, iCalendar feed
    "cfcity.cases",  # good-practice cases, exchange meetings, the yearly case booklet
    "cfcity.public",  # the public progress site: releases, published statuses and cases
    "cfcity.spaces",  # child-friendly spaces: register, map, GeoJSON, the cumulative targets
    "cfcity.lifecircle",  # the 15-minute child community life circle on a walking network
    "cfcity.councils",  # children's councils (儿童议事会): members, meetings, proposals
    "cfcity.voice",  # children's voice: the public message page, moderation, safeguarding
    "cfcity.campaigns",  # children's works campaigns (video, song, drawing): submissions
    "cfcity.assessments",  # child impact assessment (儿童影响评价)
    "cfcity.ops",  # running in production: cfcity check, /healthz /readyz /metrics, request ids, Celery tasks
    "ninja",  # django-ninja (the API): its Swagger UI files are then served locally, not from a CDN
]

MIDDLEWARE = [
    # first: a request id for every log line, request counts and latency for /metrics, and the
    # probes /healthz /readyz /metrics answered before host checks, HTTPS redirects or sessions
    "cfcity.ops.middleware.OpsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Permissions-Policy, and the sandbox policy on downloads (after django-csp on the way out)
    "cfcity.headers.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cfcity.nulguard.RefuseNulBytes",  # a NUL in any parameter: 400, before it reaches a query
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # user.is_verified(): the session's second factor
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # who must sign in with a TOTP code sees only the enrol/verify pages until they have
    "cfcity.accounts.twofactor.TwoFactorRequiredMiddleware",
    # a user whose password must change (first login, after a reset) sees only that page
    "cfcity.accounts.middleware.PasswordChangeRequiredMiddleware",
    "cfcity.accounts.middleware.SessionRefreshMiddleware",
    # django-axes: turns a locked-out login into the lockout page; must come last
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cfcity.urls"
WSGI_APPLICATION = "cfcity.wsgi.application"

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
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------
_db_url = envstr("DATABASE_URL")
if _db_url:
    try:
        DATABASES = {"default": dj_database_url.parse(_db_url, conn_max_age=60)}
    except Exception as e:  # dj-database-url raises several kinds
        raise ImproperlyConfigured(f"CFCITY_DATABASE_URL 无法识别：{e}") from e
else:
    DATABASES = {
        "default": {
            # Django's SQLite backend that creates the data directory on first connection
            "ENGINE": "cfcity.db.sqlite3",
            "NAME": DATA_DIR / "cfcity.sqlite3",
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # keep each test worker's database in memory (pytest-django names file
            # databases after the engine, and ours is a subclass of Django's)
            "TEST": {"NAME": ":memory:"},
            "CONN_MAX_AGE": 60,  # a connection per worker process, not per request
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "cfcity.db.sqlite3"
if DATABASES["default"]["ENGINE"] == "cfcity.db.sqlite3":
    # Tests run on an in-memory database. Said outright because pytest-django under xdist
    # knows only Django's own engine name, and would otherwise create test_<NAME>_gw0 files
    # relative to the current directory (shared by concurrent runs of the same checkout).
    DATABASES["default"].setdefault("TEST", {"NAME": ":memory:"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and sessions ------------------------------------------------------------------
# CFCITY_CACHE_URL (redis://host:6379/0): Django's Redis cache, which also holds the sessions,
# so that any web instance answers any request. Unset: each process's own memory, sessions in
# the database (one machine, `make run`).
CACHE_URL = envstr("CACHE_URL") or ""
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"CFCITY_CACHE_URL 应为 redis:// 开头的地址，现为 {CACHE_URL!r}")
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": CACHE_URL, "KEY_PREFIX": "cfcity"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"

# --- auth -------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "cfcity.accounts.validators.MinimumLengthValidator",  # Django's, worded in Chinese
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out username + address first
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"


def _positive(name: str, default: int) -> int:
    value = envint(name, default)
    if value < 1:
        raise ImproperlyConfigured(f"CFCITY_{name} 应为正整数，现为 {value}")
    return value


# login throttling (django-axes): a username from one address is locked after
# LOGIN_FAILURE_LIMIT wrong passwords in a row, for LOGIN_LOCKOUT_MINUTES; attempts are kept
# in the database, so every gunicorn worker sees them. Locks are lifted early with
# `cfcity axes_reset` (all) or `cfcity axes_reset_username NAME`.
AXES_FAILURE_LIMIT = _positive("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=_positive("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cfcity.accounts.views.locked_out"
AXES_VERBOSE = False

# sessions: end when the browser closes, and after SESSION_HOURS without a request
# (the expiry moves forward on every request)
SESSION_COOKIE_AGE = _positive("SESSION_HOURS", 8) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 300  # the expiry moves forward at most every 5 minutes

# --- language and time ------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static files (served by the app itself through WhiteNoise; no CDN) -----------------
STATIC_URL = "/static/"
# collected static files (`cfcity collectstatic`); an install bundle ships them already collected
STATIC_ROOT = Path(envstr("STATIC_ROOT", "") or DATA_DIR / "static").expanduser().resolve()
# Front-end packages come from npm (package.json and package-lock.json at the repository
# root; `make run` and `make test` run `npm ci`) and are served under a prefix of their own:
# {% static 'vendor/echarts/echarts.min.js' %}.
NODE_MODULES = BASE_DIR.parent / "node_modules"
# Only the files pages load are exposed (cfcity.vendor.VendorFinder), not whole packages.
VENDOR_FILES = {"vendor/echarts/echarts.min.js": NODE_MODULES / "echarts" / "dist" / "echarts.min.js",
                # the maps of child-friendly spaces and of the life circle (cfcity.spaces, cfcity.lifecircle)
                "vendor/leaflet/leaflet.js": NODE_MODULES / "leaflet" / "dist" / "leaflet.js",
                "vendor/leaflet/leaflet.css": NODE_MODULES / "leaflet" / "dist" / "leaflet.css",
                **{f"vendor/leaflet/images/{n}": NODE_MODULES / "leaflet" / "dist" / "images" / n
                   for n in ("layers.png", "layers-2x.png", "marker-icon.png", "marker-icon-2x.png",
                             "marker-shadow.png")}}
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "cfcity.vendor.VendorFinder",
]
# an installed bundle has no node_modules/: its front-end files are already in STATIC_ROOT
_PREBUILT_STATIC = (STATIC_ROOT / "vendor" / "echarts" / "echarts.min.js").is_file()
if not VENDOR_FILES["vendor/echarts/echarts.min.js"].is_file() and not _PREBUILT_STATIC:
    # without it every chart page would load but draw nothing: refuse to start instead
    raise ImproperlyConfigured(
        f"前端依赖未安装：找不到 {VENDOR_FILES['vendor/echarts/echarts.min.js']}。"
        "请在项目根目录运行 make run（或 npm ci --no-audit --no-fund）。"
        "Front-end packages are not installed: run `npm ci --no-audit --no-fund` in "
        f"{BASE_DIR.parent} (make run and make test do it).")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                # uploaded files: CFCITY_MEDIA_DIR, shared by every web instance and worker
                "OPTIONS": {"location": Path(envstr("MEDIA_DIR", "") or DATA_DIR / "media").expanduser().resolve()}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Also serve straight from the apps, so tests and a fresh checkout need no collectstatic; in
# production (and from a bundle) only the collected files are served.
WHITENOISE_USE_FINDERS = not PRODUCTION and VENDOR_FILES["vendor/echarts/echarts.min.js"].is_file()
if _PREBUILT_STATIC and not VENDOR_FILES["vendor/echarts/echarts.min.js"].is_file():
    VENDOR_FILES = {}  # installed from a bundle: the front-end files are collected already
WHITENOISE_MAX_AGE = envint("STATIC_MAX_AGE", 3600)
# source maps (30 MB of ECharts' dist/) are for developer tools only: not worth compressing
# on every `cfcity serve`
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    "jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br", "swf",
    "flv", "woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov", "mp4", "mpeg", "mpg",
    "webm", "wmv", "map"]

# --- charts in Word documents -------------------------------------------------------------
# a CJK font file for matplotlib; empty = the first Debian font found (cfcity.monitoring.fonts)
CJK_FONT = envstr("CJK_FONT")

# --- the progress engine's thresholds (docs/methodology.md): JSON overrides of the defaults,
# e.g. CFCITY_MONITORING_THRESHOLDS='{"at_risk_gap": 8, "off_track_gap": 20}'
try:
    MONITORING_THRESHOLDS = json.loads(envstr("MONITORING_THRESHOLDS", "") or "{}")
except ValueError as e:
    raise ImproperlyConfigured(f"CFCITY_MONITORING_THRESHOLDS 应为 JSON 对象：{e}") from e
if not isinstance(MONITORING_THRESHOLDS, dict):
    raise ImproperlyConfigured("CFCITY_MONITORING_THRESHOLDS 应为 JSON 对象，如 {\"at_risk_gap\": 8}")
try:  # refused at start, not at the first recompute (the engine imports no Django)
    from cfcity.monitoring.engine import Thresholds as _Thresholds
    _Thresholds.from_mapping(MONITORING_THRESHOLDS)
except ValueError as e:
    raise ImproperlyConfigured(f"CFCITY_MONITORING_THRESHOLDS：{e}") from e

# --- background jobs (cfcity.ops.background; reports: cfcity.monitoring.jobs) ---------------
# "celery": every background job (reports, recomputation, register figures, mail) goes to the
#   Celery workers through the broker; the schedule (digests, reminders, …) is Celery beat's;
# "thread": a report is made in a thread of the web process, other work right after the
#   request's transaction commits (one machine, `make run`);
# "inline": at once, inside the request or command that asks (tests)
MONITORING_JOB_RUNNER = envstr("JOB_RUNNER", "celery" if PRODUCTION else "thread")
if MONITORING_JOB_RUNNER not in ("thread", "inline", "celery"):
    raise ImproperlyConfigured(f"CFCITY_JOB_RUNNER 应为 celery、thread 或 inline，现为 {MONITORING_JOB_RUNNER!r}")
BROKER_URL = envstr("BROKER_URL") or ""
if BROKER_URL and not BROKER_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"CFCITY_BROKER_URL 应为 redis:// 开头的地址，现为 {BROKER_URL!r}")
if MONITORING_JOB_RUNNER == "celery" and not BROKER_URL and not PRODUCTION:
    raise ImproperlyConfigured("CFCITY_JOB_RUNNER=celery 需要 CFCITY_BROKER_URL（如 redis://127.0.0.1:6379/1）")
# Celery (cfcity/celery.py reads every CELERY_* setting). A task is acknowledged when it has
# finished, not when a worker takes it: a worker killed mid-task leaves it to be handed out
# again after the visibility timeout (tasks are written to be run twice safely).
CELERY_BROKER_URL = BROKER_URL or "memory://"
# kombu looks for such tasks every 10 s, but scans Redis only on every 10th look unless told
# otherwise: with 1, a dead worker's task comes back within the timeout + 10 s, not + 100 s
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": _positive("BROKER_VISIBILITY_TIMEOUT", 3600),
                                   "unacked_restore_throttle": 1}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True  # state lives in our own tables (Job), not a result backend
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # our LOGGING (scrubbed, JSON) stays in charge
CELERY_TASK_DEFAULT_QUEUE = "cfcity"
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
from cfcity.ops.schedule import beat_schedule  # noqa: E402

CELERY_BEAT_SCHEDULE = beat_schedule()

# --- security ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# CFCITY_HTTPS: the site is reached over HTTPS only (through a proxy that terminates TLS):
# plain HTTP is redirected, cookies go over HTTPS only, browsers are told so for a year (HSTS)
HTTPS = envbool("HTTPS", False)
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", False) or HTTPS
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and envbool("HSTS_PRELOAD", False)
# preloading is a decision for whoever owns the parent domain (and hard to undo): not a warning
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if envbool("TRUST_X_FORWARDED_PROTO", False):  # only behind a proxy that always sets it
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = {  # cfcity.headers
    "camera": [], "microphone": [], "geolocation": ["self"], "payment": [], "usb": [],
}
# Content-Security-Policy (django-csp): scripts and styles only from our own static files, no
# inline code; the Swagger UI at /api/docs is the one exception (cfcity.api, docs/security.md)
_SELF = "'self'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "object-src": ["'none'"],
        "base-uri": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": ["'none'"],
    },
}

# base map tiles of the maps (cfcity.spaces, cfcity.lifecircle): a URL template such as
# http://tiles.intranet/{z}/{x}/{y}.png; empty = no base map, the maps draw their own layers only
CFCITY_MAP_TILES = envstr("MAP_TILES", "") or ""
CFCITY_MAP_ATTRIBUTION = envstr("MAP_ATTRIBUTION", "") or ""
if CFCITY_MAP_TILES:
    from urllib.parse import urlsplit as _urlsplit
    _tiles = _urlsplit(CFCITY_MAP_TILES)
    if _tiles.scheme not in ("http", "https") or not _tiles.netloc:
        raise ImproperlyConfigured("CFCITY_MAP_TILES 应为 http(s):// 开头的瓦片地址模板，如 http://tiles.local/{z}/{x}/{y}.png")
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")

# children's voice (cfcity.voice) and works campaigns (cfcity.campaigns): messages or works per
# client address; how soon a message that suggests danger must be answered; how many proxies
# in front of the site set X-Forwarded-For (0: the address is REMOTE_ADDR; never trust more)
CFCITY_VOICE_LIMITS = {"per_hour": _positive("VOICE_PER_HOUR", 5), "per_day": _positive("VOICE_PER_DAY", 20)}
CAMPAIGN_SUBMIT_LIMITS = (_positive("CAMPAIGN_PER_HOUR", 20), _positive("CAMPAIGN_PER_DAY", 60))
CFCITY_SAFEGUARDING_RESPONSE_HOURS = _positive("SAFEGUARDING_RESPONSE_HOURS", 24)
CFCITY_TRUSTED_PROXY_HOPS = envint("TRUSTED_PROXY_HOPS", 0)
if CFCITY_TRUSTED_PROXY_HOPS < 0:
    raise ImproperlyConfigured(f"CFCITY_TRUSTED_PROXY_HOPS 不能为负数，现为 {CFCITY_TRUSTED_PROXY_HOPS}")

# second factor (cfcity.accounts.twofactor): whoever may see children's personal records
# (roles.needs_second_factor) always; everyone when CFCITY_REQUIRE_2FA_FOR_ALL
REQUIRE_2FA_FOR_ALL = envbool("REQUIRE_2FA_FOR_ALL", False)
OTP_TOTP_ISSUER = "儿童友好城市建设管理平台"
OTP_TOTP_THROTTLE_FACTOR = 1  # after n wrong codes in a row, wait 2^(n-1) seconds
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # (the device admins are unregistered: accounts/admin.py)

# --- warnings, reminders and their e-mail (cfcity.monitoring; docs/methodology.md) -------
# stale: a target without new data for this many days; not_started: a report not begun
# this many days before its deadline; no unit gets two reminders within the gap.
MONITORING_WARNINGS = {
    "stale_days": _positive("WARNING_STALE_DAYS", 400),
    "not_started_days": _positive("WARNING_NOT_STARTED_DAYS", 7),
    "reminder_min_gap_days": _positive("REMINDER_MIN_GAP_DAYS", 3),
}
# `cfcity monitor digest` mails through this backend: the console (stdout) unless set
EMAIL_BACKEND = envstr("EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = envstr("EMAIL_FROM") or "cfcity@localhost"
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")  # or CFCITY_EMAIL_HOST_PASSWORD_FILE
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)

# --- audit log (cfcity.audit; docs/security.md) ------------------------------------------
# entries are kept at least this many days (the Cybersecurity Law: six months, art. 21), then
# archived by `cfcity audit archive`, never deleted; less than 180 is refused
CFCITY_AUDIT_RETENTION_DAYS = envint("AUDIT_RETENTION_DAYS", 180)
if CFCITY_AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured(f"CFCITY_AUDIT_RETENTION_DAYS 不能少于 180 天（网络日志留存不少于六个月），"
                               f"现为 {CFCITY_AUDIT_RETENTION_DAYS}")

# --- children's personal records (cfcity.welfare; docs/security.md) -----------------------
# keys: CFCITY_ENCRYPTION_KEYS (or _FILE), "<id>:<base64 of 32 bytes>" per line, first = active;
# unset: a key file generated once in the data directory (embedded use only)
ENCRYPTION_KEYS = envstr("ENCRYPTION_KEYS")
ENCRYPTION_KEY_FILE = DATA_DIR / "encryption.keys"
CIPHER = envstr("CIPHER", "aes-256-gcm")  # or sm4-gcm (GB/T 39786)
if CIPHER not in ("aes-256-gcm", "sm4-gcm"):
    raise ImproperlyConfigured(f"CFCITY_CIPHER 应为 aes-256-gcm 或 sm4-gcm，现为 {CIPHER!r}")
WELFARE = {
    # counts below this are shown as "<5" in every count table and export
    "suppress_below": _positive("WELFARE_SUPPRESS_BELOW", 5),
    # a closed record is reviewed and anonymised this many years after it was closed
    "retention_years": _positive("WELFARE_RETENTION_YEARS", 3),
    # a child this old or older gives their own assent besides the guardian's consent
    "assent_age": _positive("WELFARE_ASSENT_AGE", 8),
    "export_days": _positive("WELFARE_EXPORT_DAYS", 30),  # an approved export expires after
    "bulk_export_rows": _positive("WELFARE_BULK_EXPORT_ROWS", 50),  # larger: an alert
    # more full-record views than this by one user within an hour: an alert
    "full_views_per_hour": _positive("WELFARE_FULL_VIEWS_PER_HOUR", 20),
}

# every handler masks ID numbers, phone numbers and secrets (cfcity.logscrub); CFCITY_LOG_SQL
# logs each SQL statement (with CFCITY_DEBUG=true only: Django records them only then)
from cfcity.logscrub import logging_config  # noqa: E402

LOG_LEVEL = (envstr("LOG_LEVEL", "WARNING") or "WARNING").upper()
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(f"CFCITY_LOG_LEVEL 应为 DEBUG、INFO、WARNING 或 ERROR，现为 {LOG_LEVEL!r}")
# CFCITY_LOG_FORMAT=json: one JSON object per line (with the request id), for a log collector;
# the default in production
LOG_FORMAT = (envstr("LOG_FORMAT", "json" if PRODUCTION else "text") or "text").lower()
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"CFCITY_LOG_FORMAT 应为 json 或 text，现为 {LOG_FORMAT!r}")
LOGGING = logging_config(LOG_LEVEL, sql=envbool("LOG_SQL", False), json_format=LOG_FORMAT == "json")

# --- operations (cfcity.ops) ----------------------------------------------------------------
# /metrics: with CFCITY_METRICS_TOKEN set, for "Authorization: Bearer <token>"; otherwise only for
# callers on these addresses whose request came straight, not through the proxy
METRICS_TOKEN = envstr("METRICS_TOKEN", "") or ""
METRICS_ALLOW = envlist("METRICS_ALLOW", ["127.0.0.1", "::1"])
# /readyz fails when the media directory has less free space than this
READY_MIN_FREE_MB = _positive("READY_MIN_FREE_MB", 500)

# what is missing or unsafe for production (empty outside it): see cfcity.ops.config
from cfcity.ops.config import problems as _config_problems  # noqa: E402

CONFIG_PROBLEMS = _config_problems(globals()) if PRODUCTION else []
