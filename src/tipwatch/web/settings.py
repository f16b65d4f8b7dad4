"""Django settings for tipwatch, read from the environment.

Environment variables (all optional):

=================  ==========================================================================
TIPWATCH_HOME      data directory (default ``./var`` relative to the current directory;
                   created if missing). Holds the SQLite database, ``secret_key`` and
                   ``demo_logins.json``.
DATABASE_URL       any dj-database-url URL (default ``sqlite:///<TIPWATCH_HOME>/tipwatch.sqlite3``)
SECRET_KEY         Django secret key (default: generated once into ``TIPWATCH_HOME/secret_key``,
                   mode 0600)
DEBUG              ``1/true/yes`` or ``0/false/no`` (default false, true when TIPWATCH_DEMO=1)
TIPWATCH_DEMO      ``1`` for the local demo (turns DEBUG on unless DEBUG says otherwise)
ALLOWED_HOSTS      comma-separated extra host names (``127.0.0.1`` and ``localhost`` always)
=================  ==========================================================================
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

__all__: list[str] = []  # a settings module: Django reads its upper-case names

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"setting {name}: expected one of 1/true/yes/on or 0/false/no/off, got {raw[:20]!r}; fix the environment"
    )


def _home() -> Path:
    home = Path(os.environ.get("TIPWATCH_HOME") or "./var").expanduser()
    home = (Path.cwd() / home).resolve() if not home.is_absolute() else home
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ImproperlyConfigured(
            f"setting TIPWATCH_HOME: cannot create directory {home} ({exc.strerror}); "
            "point TIPWATCH_HOME at a writable directory"
        ) from exc
    return home


def _secret_key(home: Path) -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = home / "secret_key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(50)
    # O_EXCL: two processes starting at once must not overwrite each other's key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    return key


TIPWATCH_HOME: Path = _home()
TIPWATCH_DEMO: bool = _env_bool("TIPWATCH_DEMO", False)
DEBUG: bool = _env_bool("DEBUG", TIPWATCH_DEMO)
SECRET_KEY: str = _secret_key(TIPWATCH_HOME)
ALLOWED_HOSTS: list[str] = ["127.0.0.1", "localhost"] + [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()
]
if DEBUG:
    ALLOWED_HOSTS.append("testserver")

# Behind a TLS-terminating reverse proxy: name the public origins (for CSRF's Origin check) and
# let Django trust the proxy's X-Forwarded-Proto header. Only set this when a proxy is in front.
CSRF_TRUSTED_ORIGINS: list[str] = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
if _env_bool("TIPWATCH_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value <= 0:
        raise ImproperlyConfigured(f"setting {name}: expected a positive whole number, got {raw[:20]!r}")
    return value


# The public "check a job offer" page: checks per client (hashed IP) per window of seconds.
TIPWATCH_CHECK_RATE_LIMIT: int = _env_int("TIPWATCH_CHECK_RATE_LIMIT", 30)
TIPWATCH_CHECK_RATE_WINDOW: int = _env_int("TIPWATCH_CHECK_RATE_WINDOW", 600)

BASE_DIR = Path(__file__).resolve().parent

INSTALLED_APPS = [
    "tipwatch.web.accounts.admin_site.PlatformAdminConfig",  # django.contrib.admin, platform admins only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "tipwatch.web.core",
    "tipwatch.web.accounts",
    "tipwatch.web.audit",
    "tipwatch.web.ads",
    "tipwatch.web.watch",
    "tipwatch.web.profiles",
    "tipwatch.web.assess",
    "tipwatch.web.links",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tipwatch.web.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tipwatch.web.accounts.middleware.OrganisationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "tipwatch.web.urls"
WSGI_APPLICATION = "tipwatch.web.wsgi.application"

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
                "tipwatch.web.core.context_processors.tipwatch",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{TIPWATCH_HOME / 'tipwatch.sqlite3'}",
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while an ingest writes; a busy timeout instead of instant failure.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: this many failures per (username, IP hash) inside the window lock for LOCKOUT.
LOGIN_MAX_FAILURES = 5
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
LOGIN_LOCKOUT_SECONDS = 15 * 60

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("ru", "Русский"),
    ("ro", "Română"),
    ("pt", "Português"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = TIPWATCH_HOME / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(exist_ok=True)
# Hashed, compressed names once `collectstatic` has run; plain names straight from the apps before
# (tests, `serve` from a checkout), so a missing manifest never breaks a page.
_MANIFEST = (STATIC_ROOT / "staticfiles.json").exists() and not DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if _MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Without collectstatic (tests, `serve` straight from a checkout) whitenoise serves from the finders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Security: headers always; cookies marked Secure and HSTS only when not DEBUG (i.e. behind TLS).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# Logging: never request bodies, never query strings (a search for a phone number is personal data).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "tipwatch.web.core.logging.RedactFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "tipwatch": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
