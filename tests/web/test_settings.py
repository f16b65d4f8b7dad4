"""Settings helpers, security headers, log redaction, migrations in sync."""

from __future__ import annotations

import logging
import stat
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from tipwatch.web import settings as tw_settings
from tipwatch.web.core.logging import RedactFilter, redact


def test_secret_key_generated_once_with_mode_0600(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    key = tw_settings._secret_key(tmp_path)
    path = tmp_path / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) >= 50
    assert tw_settings._secret_key(tmp_path) == key
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert tw_settings._secret_key(tmp_path) == "from-env"


def test_home_created_relative_to_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TIPWATCH_HOME", raising=False)
    assert tw_settings._home() == tmp_path / "var"
    assert (tmp_path / "var").is_dir()
    monkeypatch.setenv("TIPWATCH_HOME", "data/here")
    assert tw_settings._home() == tmp_path / "data" / "here"


def test_env_bool(monkeypatch):
    monkeypatch.setenv("DEBUG", "yes")
    assert tw_settings._env_bool("DEBUG", False) is True
    monkeypatch.setenv("DEBUG", "0")
    assert tw_settings._env_bool("DEBUG", True) is False
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="setting DEBUG"):
        tw_settings._env_bool("DEBUG", False)


def test_settings_values():
    from django.conf import settings

    assert {"127.0.0.1", "localhost"} <= set(settings.ALLOWED_HOSTS)
    assert [code for code, _ in settings.LANGUAGES] == ["en", "es", "fr", "ru", "ro", "pt"]
    assert "django_htmx" in settings.INSTALLED_APPS
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
    assert settings.SESSION_COOKIE_SECURE is (not settings.DEBUG)


def test_redact_removes_query_strings():
    assert redact('"GET /search/?q=%2B19295550147 HTTP/1.1" 302 0') == '"GET /search/?… HTTP/1.1" 302 0'
    record = logging.LogRecord(
        "django.server", logging.INFO, "x", 1, '"%s" %s', ("GET /s/?q=a@b.test HTTP/1.1", "200"), None
    )
    RedactFilter().filter(record)
    assert "a@b.test" not in record.getMessage()


def test_redact_is_linear_on_hostile_input():
    import time

    start = time.perf_counter()
    redact("?" * 10**6)
    redact("GET /?" + "a" * 10**6)
    assert time.perf_counter() - start < 1.0


@pytest.mark.django_db
def test_no_missing_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
