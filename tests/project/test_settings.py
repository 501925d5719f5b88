"""Settings come from the environment; production is locked down."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.services import needs_redis

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x" * 20
    + "a-long-and-random-production-secret-key-0123456789",
    "DJANGO_ALLOWED_HOSTS": "whatanswers.example",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
}


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_reports_nothing_above_info():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off" in result.stderr


def test_static_files_are_served_by_whitenoise():
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.STORAGES['staticfiles']['BACKEND'])",
        **PRODUCTION,
    )
    assert "whitenoise" in result.stdout, result.stderr


def test_site_name_comes_from_the_environment():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SITE_NAME)",
        SITE_NAME="AskUs",
    )
    assert result.stdout.strip().endswith("AskUs")


@needs_redis
def test_redis_url_makes_redis_the_cache():
    result = manage(
        "shell",
        "-c",
        "from django.core.cache import cache, caches; cache.set('probe', 41); "
        "print(type(caches['default']).__name__, cache.get('probe') + 1)",
        REDIS_URL="redis://127.0.0.1:6379/15",
    )
    assert "RedisCache 42" in result.stdout, result.stderr
