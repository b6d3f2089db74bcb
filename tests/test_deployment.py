"""The production configuration: docker-compose.yml is valid, production settings fail closed.

`docker-compose config` validates the compose file without a Docker engine. Where the
command is missing the check is skipped with the reason, except under CI=true, where CI
installs it and a skip would hide a broken file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": "a-long-random-production-secret-0123456789",
    "ID_HASH_KEY": "another-long-random-production-secret-9876543210",
    "LEDGER_SEAL_KEY": "a-third-long-random-production-secret-5555555555",
    "ALLOWED_HOSTS": "gongzhi.example.cn",
    "DATABASE_URL": "postgres://gongzhi:secret@db:5432/gongzhi",
    "REDIS_URL": "redis://redis:6379/0",
}


def _docker_compose() -> str:
    command = shutil.which("docker-compose")
    if command is None:
        if IN_CI:
            pytest.fail("docker-compose is missing in CI (apt-get install docker-compose)")
        pytest.skip("docker-compose is not installed (apt-get install docker-compose)")
    return command


def _compose(tmp_path: Path, env_file: str | None, *args: str) -> subprocess.CompletedProcess:
    """Run docker-compose on a copy of docker-compose.yml with the given file as its .env."""
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    if env_file is not None:
        (tmp_path / ".env").write_text(env_file, encoding="utf-8")
    # Only PATH and HOME: the developer's own variables must not fill in for .env.
    env = {key: os.environ[key] for key in ("PATH", "HOME") if key in os.environ}
    return subprocess.run(
        [_docker_compose(), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_compose_file_is_valid_with_the_documented_env_file(tmp_path):
    env_example = (ROOT / ".env.example").read_text(encoding="utf-8")
    result = _compose(tmp_path, env_example, "config", "-q")
    assert result.returncode == 0, result.stderr


def test_compose_runs_web_worker_migrate_and_the_services(tmp_path):
    env_example = (ROOT / ".env.example").read_text(encoding="utf-8")
    result = _compose(tmp_path, env_example, "config", "--services")
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == {
        "web",
        "worker",
        "migrate",
        "db",
        "redis",
        "elasticsearch",
    }


def test_compose_refuses_an_env_file_without_the_secret(tmp_path):
    env_example = (ROOT / ".env.example").read_text(encoding="utf-8")
    without_secret = "\n".join(
        line for line in env_example.splitlines() if not line.startswith("SECRET_KEY=")
    )
    result = _compose(tmp_path, without_secret, "config", "-q")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def _start_production(**overrides: str | None) -> subprocess.CompletedProcess:
    """Start Django with production settings in a clean environment, as gunicorn would."""
    env = {"PATH": os.environ.get("PATH", ""), **PRODUCTION_ENV}
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DEBUG, bool(settings.SECRET_KEY), settings.DATABASES['default']['ENGINE'], "
        "settings.SESSION_ENGINE)"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_starts_with_secrets_hosts_and_postgresql():
    result = _start_production()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "django.db.backends.postgresql",
        "django.contrib.sessions.backends.cached_db",
    ]


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ID_HASH_KEY", "LEDGER_SEAL_KEY"])
def test_production_refuses_to_start_without_a_secret(missing):
    result = _start_production(**{missing: None})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


@pytest.mark.parametrize("blank", ["SECRET_KEY", "ID_HASH_KEY", "LEDGER_SEAL_KEY"])
def test_production_refuses_to_start_with_a_blank_secret(blank):
    result = _start_production(**{blank: ""})
    assert result.returncode != 0
    assert "must not be empty" in result.stderr


@pytest.mark.parametrize("database_url", [None, "sqlite:////srv/gongzhi/db.sqlite3"])
def test_production_refuses_to_start_on_sqlite(database_url):
    result = _start_production(DATABASE_URL=database_url)
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


@pytest.mark.parametrize("redis_url", [None, ""])
def test_production_refuses_to_start_without_redis(redis_url):
    """Sessions are cached there; a per-process cache would keep a logged-out session alive."""
    result = _start_production(REDIS_URL=redis_url)
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


def test_without_a_shared_cache_sessions_are_read_from_the_database(settings):
    # The development and test settings have no Redis: a per-process cache would be unsafe.
    assert not settings.REDIS_URL
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_production_refuses_to_start_without_allowed_hosts():
    result = _start_production(ALLOWED_HOSTS=None)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_compose_trusts_one_proxy_and_publishes_the_web_port_to_it_alone(tmp_path):
    """Behind the TLS proxy the sign-in limits read the client from X-Forwarded-For; the
    header is trusted, so only the proxy on the host may reach gunicorn (#12.5)."""
    env_example = (ROOT / ".env.example").read_text(encoding="utf-8")
    result = _compose(tmp_path, env_example, "config")
    assert result.returncode == 0, result.stderr
    web = result.stdout.split("\n  web:\n", 1)[1].split("\n  worker:\n", 1)[0]
    assert "ALLAUTH_TRUSTED_PROXY_COUNT: '1'" in web
    ports = web.split("    ports:\n", 1)[1].splitlines()[0]
    assert ports.strip() == "- 127.0.0.1:8000:8000/tcp"
