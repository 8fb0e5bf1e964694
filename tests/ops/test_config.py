"""The production profile: what is refused, what `cfcity check` prints, as real processes."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from cfcity.ops import config

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = secrets.token_urlsafe(60)


def cfcity(args, env_extra, tmp_path, timeout=120):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CFCITY_")}
    env.update(CFCITY_DATA_DIR=str(tmp_path / "var"), PYTHONPATH=str(ROOT), **env_extra)
    return subprocess.run([sys.executable, "-m", "cfcity", *args], env=env, capture_output=True,
                          text=True, timeout=timeout, cwd=tmp_path)


def settings_like(**over):
    base = {"SECRET_KEY": GOOD_KEY, "DEBUG": False, "CACHE_URL": "redis://r/0", "BROKER_URL": "redis://r/1",
            "MONITORING_JOB_RUNNER": "celery", "ALLOWED_HOSTS": ["cfcity.gov.example"],
            "DATABASES": {"default": {"ENGINE": "django.db.backends.postgresql"}}}
    base.update(over)
    return base


@pytest.fixture
def production_env(monkeypatch):
    for name in ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "ENCRYPTION_KEYS"):
        monkeypatch.setenv(f"CFCITY_{name}", "set")


def test_complete_production_settings_have_no_problem(production_env):
    assert config.problems(settings_like()) == []


@pytest.mark.parametrize("over, words", [
    ({"SECRET_KEY": "short"}, "CFCITY_SECRET_KEY 太短"),
    ({"SECRET_KEY": "a" * 60}, "CFCITY_SECRET_KEY 太短或太简单"),
    ({"SECRET_KEY": "django-insecure-" + GOOD_KEY}, "CFCITY_SECRET_KEY"),
    ({"DEBUG": True}, "CFCITY_DEBUG"),
    ({"DATABASES": {"default": {"ENGINE": "cfcity.db.sqlite3"}}}, "应指向 PostgreSQL"),
    ({"CACHE_URL": ""}, "CFCITY_CACHE_URL"),
    ({"BROKER_URL": ""}, "CFCITY_BROKER_URL"),
    ({"MONITORING_JOB_RUNNER": "thread"}, "CFCITY_JOB_RUNNER 应为 celery"),
    ({"ALLOWED_HOSTS": ["*"]}, "不能为 *"),
])
def test_each_unsafe_setting_is_named(production_env, over, words):
    found = config.problems(settings_like(**over))
    assert len(found) == 1 and words in found[0]


def test_unset_variables_are_each_named(monkeypatch):
    for name in ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "ENCRYPTION_KEYS"):
        monkeypatch.delenv(f"CFCITY_{name}", raising=False)
        monkeypatch.delenv(f"CFCITY_{name}_FILE", raising=False)
    text = "\n".join(config.problems(settings_like()))
    for name in ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "ENCRYPTION_KEYS"):
        assert f"CFCITY_{name}" in text


def test_secrets_are_never_printed():
    assert config.shown("SECRET_KEY", GOOD_KEY) == "（已设置，已隐去）"
    assert config.shown("DATABASE_URL", "postgres://cfcity:pa55word@db.internal:5432/cfcity") == \
        "postgres://db.internal:5432/cfcity"
    assert "pa55" not in config.shown("BROKER_URL", "redis://:pa55@redis:6379/1")


def test_production_without_configuration_refuses_to_start_but_check_explains(tmp_path):
    ran = cfcity(["migrate"], {"CFCITY_PRODUCTION": "true"}, tmp_path)
    assert ran.returncode == 2 and "拒绝启动" in ran.stderr and "CFCITY_SECRET_KEY" in ran.stderr
    assert not (tmp_path / "var" / "cfcity.sqlite3").exists()  # nothing was done
    check = cfcity(["check"], {"CFCITY_PRODUCTION": "true"}, tmp_path)
    assert check.returncode == 1, check.stdout + check.stderr
    for name in ("CFCITY_SECRET_KEY", "CFCITY_DATABASE_URL", "CFCITY_CACHE_URL", "CFCITY_BROKER_URL",
                 "CFCITY_ALLOWED_HOSTS", "CFCITY_ENCRYPTION_KEYS"):
        assert name in check.stdout
    assert "检查未通过" in check.stderr


def test_web_tier_refuses_to_load_in_unsafe_production(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CFCITY_")}
    env.update(CFCITY_PRODUCTION="true", CFCITY_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
    ran = subprocess.run([sys.executable, "-c", "import cfcity.wsgi"], env=env, capture_output=True,
                         text=True, timeout=60)
    assert ran.returncode != 0 and "ImproperlyConfigured" in ran.stderr and "拒绝启动" in ran.stderr


def test_bad_urls_are_refused_at_start(tmp_path):
    ran = cfcity(["check"], {"CFCITY_CACHE_URL": "memcached://x"}, tmp_path)
    assert ran.returncode != 0 and "CFCITY_CACHE_URL" in ran.stderr
    ran = cfcity(["check"], {"CFCITY_JOB_RUNNER": "celery"}, tmp_path)
    assert ran.returncode != 0 and "CFCITY_BROKER_URL" in ran.stderr


def test_check_outside_production_passes_on_a_migrated_database(tmp_path, migrated_sqlite):
    from tests.conftest import fresh_database
    fresh_database(migrated_sqlite, tmp_path / "var")
    ran = cfcity(["check"], {}, tmp_path)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "[正常] database" in ran.stdout and "检查通过" in ran.stdout


def test_check_says_migrations_are_missing(tmp_path):
    ran = cfcity(["check"], {}, tmp_path)
    assert ran.returncode == 1 and "cfcity migrate" in ran.stdout
