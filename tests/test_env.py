"""CFCITY_* variables: typed, *_FILE for secrets, loud on bad values; the secret key file."""
import pytest
from django.core.exceptions import ImproperlyConfigured

from cfcity import env
from cfcity.secret import lazy_secret, load_or_create


@pytest.mark.parametrize("raw, value", [("1", True), ("true", True), ("Yes", True), ("on", True),
                                        ("0", False), ("false", False), ("no", False), ("", False)])
def test_envbool(monkeypatch, raw, value):
    monkeypatch.setenv("CFCITY_X", raw)
    assert env.envbool("X") is value


def test_bad_values_fail_loudly(monkeypatch):
    monkeypatch.setenv("CFCITY_X", "maybe")
    with pytest.raises(ImproperlyConfigured, match="CFCITY_X.*maybe"):
        env.envbool("X")
    with pytest.raises(ImproperlyConfigured, match="整数"):
        env.envint("X")


def test_defaults_and_lists(monkeypatch):
    monkeypatch.delenv("CFCITY_X", raising=False)
    assert env.envstr("X", "d") == "d" and env.envint("X", 3) == 3 and env.envbool("X", True)
    monkeypatch.setenv("CFCITY_X", " a.gov.cn, b ,")
    assert env.envlist("X", []) == ["a.gov.cn", "b"]


def test_file_variant(monkeypatch, tmp_path):
    f = tmp_path / "secret"
    f.write_text("s3cret\n")
    monkeypatch.setenv("CFCITY_X_FILE", str(f))
    assert env.envstr("X") == "s3cret"
    monkeypatch.setenv("CFCITY_X", "other")
    with pytest.raises(ImproperlyConfigured, match="只能设置一个"):
        env.envstr("X")
    monkeypatch.delenv("CFCITY_X")
    monkeypatch.setenv("CFCITY_X_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="无法读取"):
        env.envstr("X")


def test_secret_key_file_is_created_lazily_once_and_private(tmp_path):
    path = tmp_path / "var" / "secret_key"
    key = lazy_secret(path)
    assert not path.exists()
    first = str(key)
    assert len(first) >= 50 and path.exists()
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_or_create(path) == first


@pytest.mark.parametrize("raw,message", [
    ("not json", "应为 JSON 对象"),
    ("[1, 2]", "应为 JSON 对象"),
    ('{"bogus": 8}', "未知的阈值设置"),
])
def test_bad_monitoring_thresholds_stop_the_start(raw, message):
    """A bad CFCITY_MONITORING_THRESHOLDS is refused when settings load, in Chinese."""
    import os
    import subprocess
    import sys
    env = {**os.environ, "CFCITY_MONITORING_THRESHOLDS": raw, "DJANGO_SETTINGS_MODULE": "cfcity.settings"}
    done = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and message in done.stderr and "CFCITY_MONITORING_THRESHOLDS" in done.stderr


def test_good_monitoring_thresholds_reach_the_engine(settings):
    from cfcity.monitoring.services import thresholds
    settings.MONITORING_THRESHOLDS = {"at_risk_gap": 8}
    assert thresholds().at_risk_gap == 8
